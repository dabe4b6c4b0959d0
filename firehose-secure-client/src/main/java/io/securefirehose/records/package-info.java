/**
 * What a record may be and how records are packed: Firehose's limits, the coalescing formats and their reader.
 * Values used by every other package, depending on none of them.
 */
@NullMarked
package io.securefirehose.records;

import org.jspecify.annotations.NullMarked;
