package org.trustquorum.runtime.cli;

/**
 * The log formats of {@code tq node --log-format}. Logback reads its configuration when the first
 * logger is created, so the choice is made from the raw arguments before picocli runs; picocli
 * then only documents and validates the option.
 */
public enum LogFormat {
    /** One line per event: ISO-8601 time with date and zone, level, thread, logger, MDC, message. */
    TEXT("logback.xml"),
    /** One JSON object per line (Logback's JsonEncoder), MDC included, for log shippers. */
    JSON("logback-json.xml");

    /** Logback's system property naming its configuration (a class-path resource here). */
    static final String LOGBACK_CONFIGURATION_PROPERTY = "logback.configurationFile";
    private static final String OPTION = "--log-format";

    private final String resource;

    LogFormat(String resource) {
        this.resource = resource;
    }

    /** The class-path resource of this format's Logback configuration. */
    public String resource() {
        return resource;
    }

    /** Points Logback at the JSON configuration if the arguments ask for it (and nothing else chose one). */
    static void chooseBeforeFirstLogger(String[] args) {
        if (System.getProperty(LOGBACK_CONFIGURATION_PROPERTY) != null) {
            return;
        }
        for (int i = 0; i < args.length; i++) {
            String value = null;
            if (args[i].equals(OPTION) && i + 1 < args.length) {
                value = args[i + 1];
            } else if (args[i].startsWith(OPTION + "=")) {
                value = args[i].substring(OPTION.length() + 1);
            }
            if (value != null && value.equalsIgnoreCase(JSON.name())) {
                System.setProperty(LOGBACK_CONFIGURATION_PROPERTY, JSON.resource());
            }
        }
    }
}
