package dev.dspy4j.lm;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Totals the LM calls made while it is open: on this thread, and on the threads the calls carry its
 * {@link CallContext} to ({@code Parallel}, {@code Evaluate}, optimizers, {@code callAsync}). Open it
 * around a program call, an evaluation, an optimizer run or a whole CLI run; scopes nest (an outer
 * scope counts what inner ones count).
 *
 * <pre>{@code
 * try (UsageScope usage = UsageScope.open()) {
 *     evaluate.run(program);
 *     System.out.println(usage.summary());   // 120 LM calls (20 cache hits, 0 errors), tokens: ...
 * }
 * }</pre>
 *
 * Thread-safe; {@link #summary()} may be read while calls are still running. Close it on the thread
 * that opened it.
 */
public final class UsageScope implements AutoCloseable {
    private final PriceTable prices;
    private final Tally total = new Tally();
    private final Map<String, Tally> byModel = new LinkedHashMap<>();
    private final Set<String> unpriced = new HashSet<>();
    private final CallContext.Scope registration;
    private volatile boolean closed;

    private UsageScope(PriceTable prices) {
        this.prices = Objects.requireNonNull(prices, "prices");
        this.registration = CallContext.with(new Callback() {
            @Override
            public void onLmEnd(Call call, LmResponse response, Throwable error) {
                String model =
                        call.instance() instanceof LanguageModel lm ? lm.model() : String.valueOf(call.instance());
                record(model, response, error);
            }
        });
    }

    /** {@return a new scope, open on this thread, priced with {@link PriceTable#defaults()}} */
    public static UsageScope open() {
        return open(PriceTable.defaults());
    }

    /**
     * {@return a new scope, open on this thread, priced with {@code prices}}
     *
     * @param prices the prices that turn usage into cost
     */
    public static UsageScope open(PriceTable prices) {
        return new UsageScope(prices);
    }

    /**
     * False for failures that are not the LM's: input refused before sending
     * ({@link UnsupportedInputException}, an unreadable {@link dev.dspy4j.media.PayloadException}) and
     * calls interrupted by the caller (Ctrl-C, a cancelled task: an {@link InterruptedException} or
     * {@link java.io.InterruptedIOException} in the causes).
     */
    static boolean isLmError(Throwable error) {
        for (Throwable c = error; c != null; c = c.getCause()) {
            if (c instanceof UnsupportedInputException
                    || c instanceof dev.dspy4j.media.PayloadException
                    || c instanceof InterruptedException
                    || c instanceof java.io.InterruptedIOException
                    || c instanceof java.nio.channels.ClosedByInterruptException) {
                return false;
            }
            if (c.getCause() == c) break;
        }
        return true;
    }

    private synchronized void record(String model, LmResponse response, Throwable error) {
        if (closed) return; // a call still running on a thread the context was carried to
        if (error != null && !isLmError(error)) return;
        Tally t = byModel.computeIfAbsent(model, k -> new Tally());
        if (error != null) {
            total.errors++;
            t.errors++;
            return;
        }
        PriceTable.Price price = prices.priceOf(model);
        double cost = 0;
        if (response.cacheHit()) {
            total.hits++;
            t.hits++;
        } else if (price != null) {
            cost = price.cost(response.usage());
        } else if (response.usage().totalTokens() > 0) {
            unpriced.add(model);
        }
        for (Tally x : new Tally[] {total, t}) {
            x.calls++;
            x.usage = x.usage.plus(response.usage());
            x.cost += cost;
        }
    }

    /** {@return the totals so far, overall and per model} */
    public synchronized UsageSummary summary() {
        Map<String, UsageSummary> per = new LinkedHashMap<>();
        byModel.forEach(
                (m, t) -> per.put(m, t.summary(unpriced.contains(m) ? Set.of(m) : Set.of(), Map.of(), prices.asOf())));
        return total.summary(unpriced, per, prices.asOf());
    }

    /**
     * Stops counting, also calls still running on threads the scope was carried to (they end after the
     * totals were read); the totals stay readable.
     */
    @Override
    public void close() {
        closed = true;
        registration.close();
    }

    private static final class Tally {
        long calls;
        long hits;
        long errors;
        Usage usage = Usage.ZERO;
        double cost;

        UsageSummary summary(Set<String> unpriced, Map<String, UsageSummary> per, String asOf) {
            return new UsageSummary(calls, hits, errors, usage, cost, unpriced, per, asOf);
        }
    }
}
