package io.securefirehose.cli;

/**
 * A setting the command line lacks or gets wrong, found while the command runs (a region neither flag nor environment
 * gives): reported like a bad flag, as one {@code error:} line, with exit code 2.
 */
final class UsageError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UsageError(String message) {
        super(message);
    }
}
