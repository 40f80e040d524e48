package org.trustquorum.sim.cli;

import picocli.CommandLine;

/**
 * One part of a campaign's seed range: shard {@code index} of {@code count} (0-based, as
 * Kubernetes' {@code JOB_COMPLETION_INDEX}) runs the contiguous block of seeds
 * {@code [offset(seeds), offset(seeds) + size(seeds))} of the campaign's {@code seeds} seeds.
 * The blocks of shards 0..count-1 are disjoint and together cover every seed exactly once; their
 * sizes differ by at most one.
 */
public record Shard(int index, int count) {
    /** The whole campaign. */
    public static final Shard WHOLE = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + "/" + count
                    + " is not a shard: need 0 <= I < N (I counts from 0)");
        }
    }

    /** Parses {@code I/N}. */
    public static Shard parse(String text) {
        String[] parts = text.trim().split("/", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("'" + text + "' is not I/N (for example 0/4)");
        }
        try {
            return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not I/N (for example 0/4)", e);
        }
    }

    /** How many of a campaign's {@code seeds} come before this shard's block: floor(seeds * index / count). */
    public long offset(long seeds) {
        // seeds = q * count + r; floor(seeds * index / count) = q * index + floor(r * index / count), no overflow.
        return seeds / count * index + seeds % count * index / count;
    }

    /** How many seeds this shard runs. */
    public long size(long seeds) {
        return (index + 1 == count ? seeds : new Shard(index + 1, count).offset(seeds)) - offset(seeds);
    }

    public boolean isWhole() {
        return count == 1;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }

    /** For picocli's {@code --shard}. */
    public static final class Converter implements CommandLine.ITypeConverter<Shard> {
        @Override
        public Shard convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
