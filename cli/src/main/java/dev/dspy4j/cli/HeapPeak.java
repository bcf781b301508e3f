package dev.dspy4j.cli;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The peak of used heap while it is open: heap usage peaks just before a collection, so the
 * largest "used before GC" total over all heap pools reported by the collectors' notifications,
 * and the usage now, give the peak (a sum of each pool's own peak would add maxima from different
 * moments and overstate it). The largest "used after GC" total is also kept: how much the program
 * held at once, apart from garbage not yet collected.
 */
final class HeapPeak implements NotificationListener, AutoCloseable {
    private final Set<String> heapPools;
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong peakLive = new AtomicLong();

    HeapPeak() {
        heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(this, null, null);
                emitters.add(e);
            }
        }
        sample();
    }

    @Override
    public void handleNotification(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e :
                info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
            if (heapPools.contains(e.getKey())) used += e.getValue().getUsed();
        }
        peak.accumulateAndGet(used, Math::max);
        long live = 0;
        for (Map.Entry<String, MemoryUsage> e :
                info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) live += e.getValue().getUsed();
        }
        peakLive.accumulateAndGet(live, Math::max);
    }

    /** Takes the current usage into account. */
    void sample() {
        peak.accumulateAndGet(
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
    }

    /** The peak used heap in bytes so far. */
    long peakBytes() {
        sample();
        return peak.get();
    }

    /** The largest heap still in use right after a collection: what the program actually held at once. */
    long peakAfterGcBytes() {
        return peakLive.get();
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(this);
            } catch (ListenerNotFoundException ignored) {
                // already gone
            }
        }
    }
}
