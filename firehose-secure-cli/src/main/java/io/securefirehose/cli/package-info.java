/** The {@code firehose-secure} command line tool; see {@code docs/cli.md}. */
@NullMarked
package io.securefirehose.cli;

import org.jspecify.annotations.NullMarked;
