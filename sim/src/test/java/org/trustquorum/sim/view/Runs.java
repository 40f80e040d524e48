package org.trustquorum.sim.view;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.shrink.RegressionFile;

/** Runs the view tests look at (each recorded once per test class that asks). */
final class Runs {
    private Runs() {}

    /** 4 nodes, heavy faults, passes: crashes (one torn write), a control-plane crash, lost frames, proxied calls. */
    static RunSpec heavy() {
        return RunSpec.generate(13, 4, FaultProfile.HEAVY, Mutation.NONE);
    }

    /** A shrunk failing run: n01 keeps tracking proxied requests on an incarnation that exited. */
    static RunSpec trackerNotCleared() {
        try {
            return RegressionFile.read(Path.of("src/test/resources/regressions/tracker-not-cleared-on-exit.json")).spec();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
