package org.trustquorum.sim.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trustquorum.sim.RunResult;
import org.trustquorum.sim.Simulation;
import org.trustquorum.sim.Stat;
import org.trustquorum.sim.log.TextSink;

/** The timeline model: events on lanes, frames from send to delivery or loss, incarnations, calls, states. */
class RecordingTest {
    static Recording rec;
    static String text;

    @BeforeAll
    static void record() {
        StringWriter w = new StringWriter();
        rec = Recorder.record(Runs.heavy(), new TextSink(w));
        text = w.toString();
    }

    @Test
    void recordingKeepsEveryLoggedEventAndLeavesTheRunAsItIs() {
        RunResult plain = new Simulation(Runs.heavy()).run();
        assertEquals(plain.digest(), rec.result().digest(), "watching does not change the run");
        assertEquals(plain.events(), rec.result().events());
        String[] lines = text.split("\n");
        assertEquals(lines.length, rec.size());
        for (int i = 0; i < lines.length; i++) {
            Recording.Event e = rec.event(i);
            assertTrue(lines[i].startsWith(e.atMs() + " " + e.kind()), lines[i] + " vs " + e.kind());
            assertEquals(i + 1, e.number());
        }
        assertEquals(0, rec.eventsNotRecorded());
        assertEquals(0, rec.unmatchedFrameReports(), "every frame report matched a frame");
        assertTrue(rec.result().passed());
        assertEquals(-1, rec.failingEvent());
    }

    @Test
    void eventsAreOnTheLaneOfTheirNodeTheControlPlaneOrTheScenario() {
        assertEquals(6, rec.lanes());
        for (Recording.Event e : rec.events()) {
            Object node = e.field("node");
            if (node != null) {
                assertEquals(node, rec.laneName(e.lane()), e.toString());
            } else if (e.kind().startsWith("cp-")) {
                assertEquals(rec.cpLane, e.lane(), e.toString());
            } else {
                assertEquals(rec.scenarioLane, e.lane(), e.toString());
            }
            Object peer = e.field("peer") != null ? e.field("peer") : e.field("target");
            assertEquals(peer == null ? -1 : rec.laneOf(String.valueOf(peer)), e.peerLane(), e.toString());
        }
    }

    @Test
    void everyFrameGoesFromItsSendToItsDeliveryOrItsLoss() {
        long sends = rec.events().stream().filter(e -> e.kind().equals("send")).count();
        long recvs = rec.events().stream().filter(e -> e.kind().equals("recv")).count();
        assertEquals(sends, rec.frames().size());
        int delivered = 0;
        int lost = 0;
        Map<String, Long> lastOrdinal = new HashMap<>();
        for (Recording.Frame f : rec.frames()) {
            Recording.Event s = rec.event(f.sendEvent);
            assertEquals("send", s.kind());
            assertEquals(f.from, s.lane());
            assertEquals(f.to, s.peerLane());
            assertEquals(f.msg, s.field("msg"));
            switch (f.fate()) {
                case DELIVERED -> {
                    delivered++;
                    Recording.Event r = rec.event(f.endEvent());
                    assertEquals("recv", r.kind());
                    assertEquals(f.to, r.lane());
                    assertEquals(f.from, r.peerLane());
                    assertEquals(f.msg, r.field("msg"));
                    assertTrue(f.endEvent() > f.sendEvent);
                    assertEquals(f.toInc(), ((Number) r.field("inc")).longValue());
                    String dir = f.conn + "/" + f.dir;
                    Long before = lastOrdinal.put(dir, f.ordinal);
                    assertTrue(before == null || before < f.ordinal, "FIFO per direction: " + dir);
                }
                case LOST -> {
                    lost++;
                    assertTrue(f.endEvent() >= f.sendEvent);
                    assertNotNull(f.loss());
                }
                case IN_FLIGHT -> assertEquals(-1, f.endEvent());
            }
        }
        assertEquals(recvs, delivered, "one frame per recv");
        assertTrue(lost > 0, "this run loses frames");
        for (Recording.Event e : rec.events()) {
            if (e.kind().equals("lost")) {
                assertTrue(rec.frames().stream().anyMatch(f -> f.endEvent() == e.index()
                        && f.fate() == Recording.Fate.LOST && f.from == e.lane()), "a frame ends at " + e.number());
            }
        }
    }

    @Test
    void incarnationsOpenAtTheirDialOrAcceptAndEndAtTheirExitOrTheCrash() {
        long opens = rec.events().stream().filter(e -> e.kind().equals("dial") || e.kind().equals("accept")).count();
        assertEquals(opens, rec.incarnations().size());
        int ended = 0;
        for (Recording.Incarnation i : rec.incarnations()) {
            Recording.Event open = rec.event(i.openEvent);
            assertEquals(i.dialed ? "dial" : "accept", open.kind());
            assertEquals(i.inc, ((Number) open.field("inc")).longValue());
            assertEquals(i.lane, open.lane());
            if (i.establishedEvent() >= 0) {
                Recording.Event est = rec.event(i.establishedEvent());
                assertEquals("established", est.kind());
                assertEquals(i.inc, ((Number) est.field("inc")).longValue());
                assertTrue(i.establishedEvent() > i.openEvent);
            }
            if (i.exitEvent() >= 0) {
                Recording.Event x = rec.event(i.exitEvent());
                assertEquals("exited", x.kind());
                assertEquals(i.lane, x.lane());
                assertEquals(x.field("cause"), i.exitCause());
                ended++;
            } else if (i.crashEvent() >= 0) {
                assertEquals("crash", rec.event(i.crashEvent()).kind());
                ended++;
            }
            if (i.endEvent() >= 0) {
                assertTrue(i.liveAfter(i.endEvent() - 1));
                assertFalse(i.liveAfter(i.endEvent()));
            }
        }
        assertTrue(ended > 0);
    }

    @Test
    void theStateAfterEachPersistIsWhatThePersistWrote() {
        int persists = 0;
        for (Recording.Event e : rec.events()) {
            if (!e.kind().equals("persist")) {
                continue;
            }
            persists++;
            NodeSnapshot s = rec.nodeAfter(e.lane(), e.index());
            assertEquals(e.field("commits"), s.commits(), "after #" + e.number());
            assertEquals(e.field("shares"), s.shares(), "after #" + e.number());
            assertEquals(e.field("configs"), s.configs().stream().map(NodeSnapshot.ConfigView::epoch).toList());
            assertEquals(e.field("expunged"), s.expunged());
            assertEquals(((Number) e.field("generation")).longValue(), s.generation());
        }
        assertTrue(persists > 10);
        for (int lane = 0; lane < rec.nodes(); lane++) {
            NodeSnapshot before = rec.nodeAfter(lane, -1);
            assertFalse(before.up());
            assertTrue(before.commits().isEmpty());
        }
    }

    @Test
    void aCrashedNodeIsDownUntilItsRestartAndItsCallsAndIncarnationsEndThere() {
        int crashes = 0;
        for (Recording.Down d : rec.downs()) {
            if (d.lane == rec.cpLane) {
                assertFalse(rec.cpAfter(d.crashEvent).up());
                if (d.restartEvent() >= 0) {
                    assertTrue(rec.cpAfter(d.restartEvent()).up());
                }
                continue;
            }
            crashes++;
            NodeSnapshot down = rec.nodeAfter(d.lane, d.crashEvent);
            assertFalse(down.up(), "down after #" + (d.crashEvent + 1));
            assertTrue(down.connections().isEmpty() && down.tracker().isEmpty() && down.pendingCalls().isEmpty());
            assertEquals(rec.nodeAfter(d.lane, d.crashEvent - 1).commits(), down.commits(), "the ledger survives");
            assertTrue(d.restartEvent() > d.crashEvent, "every node comes back in a passing run");
            NodeSnapshot up = rec.nodeAfter(d.lane, d.restartEvent());
            assertTrue(up.up());
            assertEquals(down.life(), up.life());
            for (Recording.Incarnation i : rec.incarnations()) {
                if (i.lane == d.lane && i.liveAfter(d.crashEvent - 1)) {
                    assertEquals(d.crashEvent, i.crashEvent(), "incarnation " + i.inc + " ends with its node");
                }
            }
        }
        assertEquals(rec.result().stat(Stat.CRASHES), crashes);
        assertEquals(rec.result().stat(Stat.CONTROL_PLANE_CRASHES),
                rec.downs().stream().filter(d -> d.lane == rec.cpLane).count());
    }

    @Test
    void callsArePairedWithTheirAnswers() {
        long apiCalls = rec.events().stream().filter(e -> e.kind().equals("api-call")).count();
        long cpCalls = rec.events().stream().filter(e -> e.kind().equals("cp-call")).count();
        assertEquals(apiCalls + cpCalls, rec.calls().size());
        long proxies = 0;
        for (Recording.Call c : rec.calls()) {
            if (c.endEvent() < 0) {
                continue;
            }
            Recording.Event end = rec.event(c.endEvent());
            assertTrue(Set.of("reply", "cp-answer", "crash", "cp-crash").contains(end.kind()), end.kind());
            if (end.kind().equals("reply")) {
                assertEquals(c.id, ((Number) end.field("replyId")).longValue());
                assertEquals(end.field("response"), c.response());
            }
            if (c.proxy()) {
                proxies++;
                assertTrue(c.targetLane >= 0 && c.targetLane < rec.nodes(), c.request);
            }
        }
        assertTrue(proxies > 0);
    }

    @Test
    void theControlPlaneEndsAtTheRunsFinalEpoch() {
        CpSnapshot end = rec.cpAfter(rec.size() - 1);
        assertTrue(end.up());
        assertNull(end.attempt());
        assertEquals(rec.result().stat(Stat.FINAL_EPOCH), end.committedEpoch());
        assertFalse(rec.cpAfter(-1).up());
    }

    @Test
    void snapshotsCarryNoBytes() {
        for (Class<?> c : List.of(NodeSnapshot.class, CpSnapshot.class)) {
            assertOnlyPlainValues(c);
        }
    }

    /** Record components are strings, numbers, booleans, lists of those, or nested records of the same. */
    private static void assertOnlyPlainValues(Class<?> record) {
        for (RecordComponent rc : record.getRecordComponents()) {
            assertPlain(rc.getGenericType(), record.getSimpleName() + "." + rc.getName());
        }
    }

    private static void assertPlain(Type t, String where) {
        if (t instanceof ParameterizedType p) {
            assertEquals(List.class, p.getRawType(), where);
            assertPlain(p.getActualTypeArguments()[0], where);
            return;
        }
        Class<?> c = (Class<?>) t;
        if (c.isRecord()) {
            assertOnlyPlainValues(c);
            return;
        }
        assertTrue(Set.of(String.class, Long.class, long.class, int.class, boolean.class).contains(c),
                where + " is " + c);
    }
}
