/** The producer's clock and serial task runner, replaceable in tests so that time can be moved by hand. */
package io.securefirehose.time;
