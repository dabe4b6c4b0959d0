package io.securefirehose.internal.spill;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/** What a {@link SpillStore#append} did, record by record. Confined to the scheduler thread. */
@API(status = INTERNAL, since = "0.1.0")
public final class AppendResult {
    final String[] ids;
    final String[] refusals;

    AppendResult(int records) {
        ids = new String[records];
        refusals = new String[records];
    }

    /** @return where record {@code i} was spilled, or {@code null} if it was not */
    @Nullable
    public String id(int i) {
        return ids[i];
    }

    /** @return why record {@code i} was not spilled, or {@code null} if it was */
    @Nullable
    public String refusal(int i) {
        return refusals[i];
    }
}
