package org.trustquorum.sim.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.json.Json;

/** The timeline page: self-contained, and its embedded data says what the recording says. */
class TimelinePageTest {

    static String page(Recording rec) {
        StringWriter w = new StringWriter();
        TimelinePage.write(rec, "./tq replay --seed 13", w);
        return w.toString();
    }

    /** The JSON a page embeds (base64 of gzip in the "data" script). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> data(String html) throws IOException {
        String open = "<script id=\"data\" type=\"application/octet-stream\">";
        int a = html.indexOf(open);
        int b = html.indexOf("</script>", a);
        byte[] gz = Base64.getDecoder().decode(html.substring(a + open.length(), b).trim());
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void thePageShowsNodeNamesAndNoShareDigests() throws IOException {
        // A coordinator status as the event log prints it: members with their share digests.
        String status = "ACKS, acked=[tq-sim:node-03], config=Configuration[epoch=3, coordinator=tq-sim:node-04, "
                + "members=[Member[id=tq-sim:node-00, shareDigest=00e2ba85ab588b40], "
                + "Member[id=tq-sim:node-03, shareDigest=9f1c]], threshold=2]";
        assertEquals("ACKS, acked=[n03], config=Configuration[epoch=3, coordinator=n04, members=[n00, n03], threshold=2]",
                Recorder.readable(status), "the page names members by lane and drops their digests");
        Recording rec = Recorder.record(RunSpec.generate(2, 8, FaultProfile.HEAVY, Mutation.NONE));
        String json = Json.writeCompact(data(page(rec)));
        assertFalse(json.contains("shareDigest"), "the page leaves them out");
        assertFalse(json.contains("tq-sim:node-"), "and names nodes by their lanes");
        assertTrue(json.contains("Proxied[result=Ok[value=Status[status=NodeStatus[id=n0"), "replies stay readable");
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePageNeedsNoNetworkAndEmbedsTheWholeRun() throws IOException {
        Recording rec = Recorder.record(Runs.heavy());
        String html = page(rec);
        assertTrue(html.startsWith("<!doctype html>"));
        assertTrue(html.trim().endsWith("</html>"));
        assertFalse(html.contains("http://") || html.contains("https://"), "no links or scripts from the network");
        assertFalse(html.contains("<link") || html.contains(" src="), "everything inline");
        Map<String, Object> d = data(html);
        assertEquals(List.of("n00", "n01", "n02", "n03", "cp", "scenario"), d.get("lanes"));
        Map<String, Object> ev = (Map<String, Object>) d.get("ev");
        assertEquals(rec.size(), ((List<?>) ev.get("t")).size());
        assertEquals(rec.size(), ((List<?>) ev.get("x")).size());
        List<String> kinds = (List<String>) d.get("kinds");
        List<?> k = (List<?>) ev.get("k");
        List<?> l = (List<?>) ev.get("l");
        for (int i = 0; i < rec.size(); i += 97) {
            assertEquals(rec.event(i).kind(), kinds.get(((Number) k.get(i)).intValue()));
            assertEquals((long) rec.event(i).lane(), l.get(i));
            assertEquals(rec.event(i).details(), ((List<?>) ev.get("x")).get(i));
        }
        List<List<Long>> fr = (List<List<Long>>) d.get("fr");
        assertEquals(rec.frames().size(), fr.size());
        List<String> labels = (List<String>) d.get("labels");
        for (int f = 0; f < fr.size(); f++) {
            Recording.Frame frame = rec.frames().get(f);
            List<Long> row = fr.get(f);
            assertEquals(frame.sendEvent, row.get(0));
            assertEquals(frame.endEvent(), row.get(1));
            assertEquals(frame.from, row.get(2));
            assertEquals(frame.to, row.get(3));
            assertEquals(frame.label(), labels.get(row.get(4).intValue()));
            assertEquals(frame.fate().ordinal(), row.get(5));
        }
        assertEquals(rec.incarnations().size(), ((List<?>) d.get("inc")).size());
        assertEquals(rec.calls().size(), ((List<?>) d.get("calls")).size());
        assertEquals(rec.downs().size(), ((List<?>) d.get("downs")).size());
        Map<String, Object> meta = (Map<String, Object>) d.get("meta");
        assertEquals(Boolean.TRUE, meta.get("passed"));
        assertEquals(-1L, meta.get("failingEvent"));
        assertEquals(rec.result().digest(), meta.get("digest"));
        assertEquals("./tq replay --seed 13", meta.get("replay"));
    }

    /** Replaying the page's state entries (as its script does) gives the recording's state at every event. */
    @Test
    @SuppressWarnings("unchecked")
    void theStatesThePageReplaysAreTheRecordedOnes() throws IOException {
        Recording rec = Recorder.record(Runs.heavy());
        Map<String, Object> d = data(page(rec));
        List<List<Object>> st = (List<List<Object>>) d.get("st");
        int checked = 0;
        for (int lane = 0; lane <= rec.cpLane; lane++) {
            List<List<Object>> mine = new ArrayList<>();
            for (List<Object> s : st) {
                if (((Number) s.get(1)).intValue() == lane) {
                    mine.add(s);
                }
            }
            List<Integer> points = new ArrayList<>(rec.changes(lane));
            points.add(rec.size() - 1);
            for (int p : points) {
                for (int e : new int[] {p - 1, p}) {
                    Map<String, Object> replayed = new LinkedHashMap<>();
                    for (List<Object> s : mine) {
                        if (((Number) s.get(0)).intValue() <= e) {
                            replayed.putAll((Map<String, Object>) s.get(2));
                        }
                    }
                    Map<String, Object> expected = new LinkedHashMap<>();
                    for (StateText.Part part : StateText.parts(rec.stateAfter(lane, e))) {
                        expected.put(part.label(), part.list() ? part.items() : part.value());
                    }
                    if (rec.changes(lane).stream().anyMatch(c -> c <= e)) {
                        assertEquals(expected, replayed, rec.laneName(lane) + " after #" + (e + 1));
                        checked++;
                    } else {
                        assertTrue(replayed.isEmpty());
                    }
                }
            }
        }
        assertTrue(checked > 100, "checked " + checked);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFailingRunsPageNamesTheFailingEventAndNode() throws IOException {
        Recording rec = Recorder.record(Runs.trackerNotCleared());
        assertEquals("tracker-cleared-on-exit", rec.check());
        int failing = rec.failingEvent();
        assertTrue(failing >= 0 && failing < rec.violationEvent());
        assertEquals("violation", rec.event(rec.violationEvent()).kind());
        assertEquals("exited", rec.event(failing).kind(), "the input of the failing step");
        assertEquals(rec.laneOf("n01"), rec.failingLane());
        assertEquals(rec.failingLane(), rec.event(failing).lane());
        Map<String, Object> meta = (Map<String, Object>) data(page(rec)).get("meta");
        assertEquals(Boolean.FALSE, meta.get("passed"));
        assertEquals("tracker-cleared-on-exit", meta.get("check"));
        assertEquals((long) failing, meta.get("failingEvent"));
        assertEquals((long) rec.violationEvent(), meta.get("violationEvent"));
        assertEquals((long) rec.laneOf("n01"), meta.get("failingLane"));
        // the node still tracks a request on the exited incarnation: the state says so
        NodeSnapshot n01 = rec.nodeAfter(rec.laneOf("n01"), failing);
        long inc = ((Number) rec.event(failing).field("inc")).longValue();
        assertTrue(n01.tracker().stream().anyMatch(t -> t.inc() == inc), n01.tracker().toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPageOverItsBudgetLeavesOutPingsFlushesAndTimersFirst() throws IOException {
        Recording rec = Recorder.record(Runs.trackerNotCleared());
        long noise = rec.events().stream().filter(TimelinePage::noise).count();
        assertTrue(noise > 1000);
        int budget = (int) (rec.size() - noise + 10);
        Map<String, Object> d = (Map<String, Object>) Json.parse(TimelinePage.json(rec, "", budget));
        Map<String, Object> meta = (Map<String, Object>) d.get("meta");
        List<Long> original = (List<Long>) ((Map<String, Object>) d.get("ev")).get("o");
        assertNotNull(original, "kept events name their original numbers");
        assertEquals(rec.size() - original.size(), ((Number) meta.get("omitted")).intValue());
        for (long o : original) {
            assertFalse(TimelinePage.noise(rec.event((int) o)) && o < rec.size() - 2, "#" + (o + 1) + " is noise");
        }
        assertEquals((long) rec.failingEvent(), original.get(((Number) meta.get("failingEvent")).intValue()));
        // a budget below even the quiet events keeps the start and the end
        d = (Map<String, Object>) Json.parse(TimelinePage.json(rec, "", 400));
        original = (List<Long>) ((Map<String, Object>) d.get("ev")).get("o");
        assertEquals(400, original.size());
        assertEquals(0L, original.get(0));
        assertEquals(rec.size() - 1L, original.get(original.size() - 1));
    }

    @Test
    void defaultRunsMakeSmallPages() {
        for (long seed = 1; seed <= 2; seed++) {
            Recording rec = Recorder.record(RunSpec.generate(seed, 8, FaultProfile.SWARM, Mutation.NONE));
            int bytes = page(rec).getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes < 1_000_000, "seed " + seed + ": " + bytes + " bytes");
        }
    }
}
