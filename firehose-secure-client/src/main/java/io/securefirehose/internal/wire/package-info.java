/** The PutRecordBatch wire format: the request body writer, the answer parser, body buffers. Uses no other internal package. Not public API: may change in any release. */
@NullMarked
package io.securefirehose.internal.wire;

import org.jspecify.annotations.NullMarked;
