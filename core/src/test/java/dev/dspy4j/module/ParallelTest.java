package dev.dspy4j.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.signature.Example;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void resultsComeBackInInputOrderWhenItemsFinishOutOfOrder() {
        // item 0 may only finish after item 3 has finished: completion order differs from input order
        CountDownLatch lastDone = new CountDownLatch(1);
        List<Integer> finishOrder = Collections.synchronizedList(new ArrayList<>());
        Parallel.Result<String> r = Parallel.of(4).run(List.of(0, 1, 2, 3), i -> {
            if (i == 0) {
                try {
                    assertThat(lastDone.await(30, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            finishOrder.add(i);
            if (i == 3) lastDone.countDown();
            return "v" + i;
        });
        assertThat(finishOrder.indexOf(0)).isGreaterThan(finishOrder.indexOf(3));
        assertThat(r.values()).containsExactly("v0", "v1", "v2", "v3");
        assertThat(r.outcomes()).extracting(Parallel.Outcome::index).containsExactly(0, 1, 2, 3);
        assertThat(r.allOk()).isTrue();
    }

    @Test
    void runsAModuleOnExamples() {
        Module echo = new FnModule(in -> Prediction.of(Map.of("answer", in.get("q") + "!")));
        List<Example> examples = IntStream.range(0, 20)
                .mapToObj(i -> Example.of("q", "q" + i).withInputs("q"))
                .toList();
        Parallel.Result<Prediction> r = Parallel.of(3).run(echo, examples);
        assertThat(r.values())
                .extracting(p -> p.getString("answer"))
                .containsExactlyElementsOf(
                        IntStream.range(0, 20).mapToObj(i -> "q" + i + "!").toList());
    }

    @Test
    void failuresWithoutABudgetAreReturnedAsFailedOutcomes() {
        Parallel.Result<Integer> r = Parallel.of(2).run(List.of(1, 2, 3, 4), i -> {
            if (i % 2 == 0) throw new IllegalArgumentException("even " + i);
            return i * 10;
        });
        assertThat(r.values()).containsExactly(10, null, 30, null);
        assertThat(r.failures()).isEqualTo(2);
        assertThat(r.get(1).error()).hasMessage("even 2");
        assertThat(r.allOk()).isFalse();
    }

    @Test
    void errorBudgetStopsTheRunAndKeepsWhatFinished() {
        AtomicInteger calls = new AtomicInteger();
        Parallel p = Parallel.builder().threads(1).maxErrors(2).build();
        List<Integer> items = IntStream.range(0, 10).boxed().toList();
        assertThatThrownBy(() -> p.run(items, i -> {
                    calls.incrementAndGet();
                    if (i == 2 || i == 4 || i == 6) throw new IllegalStateException("bad " + i);
                    return i;
                }))
                .isInstanceOf(ParallelException.class)
                .hasMessageContaining("stopped after 2 failures (error budget 2)")
                .hasMessageContaining("5 of 10 items finished")
                .hasCauseInstanceOf(IllegalStateException.class)
                .satisfies(e -> {
                    Parallel.Result<?> partial = ((ParallelException) e).partial();
                    assertThat(partial.total()).isEqualTo(10);
                    assertThat(partial.outcomes())
                            .extracting(Parallel.Outcome::index)
                            .containsExactly(0, 1, 2, 3, 4);
                    assertThat(new ArrayList<Object>(partial.values()))
                            .containsExactly(0, 1, null, 3, null, null, null, null, null, null);
                    assertThat(partial.failures()).isEqualTo(2);
                    assertThat(partial.get(7)).isNull();
                });
        assertThat(calls.get()).isEqualTo(5);
    }

    @Test
    void aSlowItemTimesOutAndTheOthersSucceed() {
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        CountDownLatch slowEnded = new CountDownLatch(1);
        Parallel p =
                Parallel.builder().threads(2).timeout(Duration.ofSeconds(1)).build();
        Parallel.Result<String> r = p.run(List.of("a", "slow", "b", "c"), s -> {
            if (s.equals("slow")) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                } finally {
                    slowEnded.countDown();
                }
                return "late";
            }
            return s.toUpperCase(Locale.ROOT);
        });
        assertThat(r.values()).containsExactly("A", null, "B", "C");
        assertThat(r.get(1).error()).isInstanceOf(TimeoutException.class).hasMessageContaining("item 1");
        try {
            assertThat(slowEnded.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertThat(interrupted.get()).isEqualTo(1);
    }

    @Test
    void progressIsReportedAtTheStartAndAfterEachItem() {
        List<Parallel.Progress> reports = Collections.synchronizedList(new ArrayList<>());
        Parallel p = Parallel.builder().threads(3).listener(reports::add).build();
        p.run(IntStream.range(0, 7).boxed().toList(), i -> {
            if (i == 5) throw new IllegalStateException("no");
            return i;
        });
        assertThat(reports).hasSize(8);
        assertThat(reports).extracting(Parallel.Progress::done).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(reports).allSatisfy(x -> assertThat(x.total()).isEqualTo(7));
        Parallel.Progress last = reports.get(7);
        assertThat(last.failures()).isEqualTo(1);
        assertThat(last.rate()).isPositive();
        assertThat(last.eta()).isEqualTo(Duration.ZERO);
        assertThat(reports.get(0).eta()).isNull();
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheRun() {
        Parallel p = Parallel.builder()
                .threads(2)
                .listener(x -> {
                    throw new IllegalStateException("display broke");
                })
                .build();
        assertThat(p.run(List.of(1, 2, 3), i -> i + 1).values()).containsExactly(2, 3, 4);
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> Parallel.builder().threads(0)).hasMessageContaining("threads must be at least 1");
        assertThatThrownBy(() -> Parallel.builder().maxErrors(0)).hasMessageContaining("maxErrors must be at least 1");
        assertThatThrownBy(() -> Parallel.builder().timeout(Duration.ZERO))
                .hasMessageContaining("timeout must be positive");
    }
}
