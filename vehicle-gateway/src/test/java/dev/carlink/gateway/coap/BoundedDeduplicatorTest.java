package dev.carlink.gateway.coap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.network.KeyMID;
import org.junit.jupiter.api.Test;

class BoundedDeduplicatorTest {

    private static final long LIFETIME_MS = 247_000;
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40_000);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private BoundedDeduplicator deduplicator(int capacity) {
        return new BoundedDeduplicator(capacity, LIFETIME_MS, 10_000, true, now::get);
    }

    private static Exchange exchange(Exchange.Origin origin) {
        return new Exchange(Request.newPost(), PEER, origin, Runnable::run);
    }

    private static KeyMID key(int mid) {
        return new KeyMID(mid, PEER);
    }

    @Test
    void aRetransmissionFindsTheFirstExchange() {
        BoundedDeduplicator dedup = deduplicator(10);
        Exchange first = exchange(Exchange.Origin.REMOTE);

        assertNull(dedup.findPrevious(key(7), first));
        assertSame(first, dedup.findPrevious(key(7), exchange(Exchange.Origin.REMOTE)));
        assertSame(first, dedup.find(key(7)));
        assertEquals(1, dedup.size());
        assertNull(dedup.find(key(8)));
        assertNull(dedup.find(new KeyMID(7, new InetSocketAddress("127.0.0.1", 40_001))), "another peer, same id");
    }

    @Test
    void whenFullTheOldestIsForgottenAndCounted() {
        BoundedDeduplicator dedup = deduplicator(3);
        for (int mid = 1; mid <= 5; mid++) {
            assertNull(dedup.findPrevious(key(mid), exchange(Exchange.Origin.REMOTE)));
        }

        assertEquals(3, dedup.size());
        assertEquals(2, dedup.evicted());
        assertNull(dedup.find(key(1)));
        assertNull(dedup.find(key(2)));
        assertTrue(dedup.find(key(3)) != null && dedup.find(key(5)) != null);
        assertNull(dedup.findPrevious(key(1), exchange(Exchange.Origin.REMOTE)), "forgotten: handled as new");
    }

    @Test
    void theSweepDropsOnlyWhatOutlivedTheLifetime() {
        BoundedDeduplicator dedup = deduplicator(100);
        dedup.findPrevious(key(1), exchange(Exchange.Origin.REMOTE));
        now.addAndGet(TimeUnit.SECONDS.toNanos(200));
        dedup.findPrevious(key(2), exchange(Exchange.Origin.REMOTE));

        now.addAndGet(TimeUnit.SECONDS.toNanos(48));
        dedup.sweep();

        assertNull(dedup.find(key(1)));
        assertTrue(dedup.find(key(2)) != null);
        assertEquals(1, dedup.size());
        assertEquals(0, dedup.evicted(), "expiry is no eviction");

        now.addAndGet(TimeUnit.SECONDS.toNanos(200));
        dedup.sweep();
        assertTrue(dedup.isEmpty());
    }

    @Test
    void anExchangeOfTheOtherOriginIsReplaced() {
        BoundedDeduplicator dedup = deduplicator(10);
        dedup.findPrevious(key(3), exchange(Exchange.Origin.LOCAL));
        Exchange remote = exchange(Exchange.Origin.REMOTE);

        assertNull(dedup.findPrevious(key(3), remote));
        assertSame(remote, dedup.find(key(3)));
        assertEquals(1, dedup.size());
    }

    @Test
    void replacePreviousSwapsOnlyTheExchangeItWasGiven() {
        BoundedDeduplicator dedup = deduplicator(10);
        Exchange first = exchange(Exchange.Origin.REMOTE);
        Exchange second = exchange(Exchange.Origin.REMOTE);
        dedup.findPrevious(key(4), first);

        assertFalse(dedup.replacePrevious(key(4), second, exchange(Exchange.Origin.REMOTE)), "not the stored one");
        assertTrue(dedup.replacePrevious(key(4), first, second));
        assertSame(second, dedup.find(key(4)));
        assertTrue(dedup.replacePrevious(key(5), first, second), "absent: added");
    }

    @Test
    void aReplacedEntryIsNotDroppedByItsPredecessorsExpiry() {
        BoundedDeduplicator dedup = deduplicator(10);
        Exchange first = exchange(Exchange.Origin.REMOTE);
        dedup.findPrevious(key(6), first);
        now.addAndGet(TimeUnit.SECONDS.toNanos(100));
        Exchange second = exchange(Exchange.Origin.REMOTE);
        dedup.replacePrevious(key(6), first, second);

        now.addAndGet(TimeUnit.SECONDS.toNanos(200));
        dedup.sweep();

        assertSame(second, dedup.find(key(6)));
    }

    @Test
    void stopsAtItsCapacityUnderConcurrentRequests() throws Exception {
        BoundedDeduplicator dedup = deduplicator(1_000);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        CountDownLatch done = new CountDownLatch(4);
        for (int t = 0; t < 4; t++) {
            int port = 50_000 + t;
            threads.execute(() -> {
                for (int mid = 0; mid < 20_000; mid++) {
                    dedup.findPrevious(
                            new KeyMID(mid, new InetSocketAddress("127.0.0.1", port)),
                            exchange(Exchange.Origin.REMOTE));
                }
                done.countDown();
            });
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        threads.shutdown();

        assertTrue(dedup.size() <= 1_000, "size " + dedup.size());
        assertEquals(80_000 - dedup.size(), dedup.evicted());
    }

    @Test
    void refusesNonsenseSettings() {
        assertThrows(IllegalArgumentException.class, () -> new BoundedDeduplicator(0, 1, 1, true, System::nanoTime));
        assertThrows(IllegalArgumentException.class, () -> new BoundedDeduplicator(1, 0, 1, true, System::nanoTime));
    }
}
