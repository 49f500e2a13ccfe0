package io.tasq.backend.zmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.backend.zmq.ZmqSettings.Routing;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which worker of a pool each routing picks, without sockets. */
class WorkerPickerTest {

    private static List<PoolMember> members(int n) {
        List<PoolMember> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PoolMember m = new PoolMember(new ZmqSettings.Endpoint("h" + i, 9000, 9001));
            m.up = true;
            members.add(m);
        }
        return members;
    }

    private static List<String> picks(WorkerPicker picker, List<PoolMember> members, int n) {
        return IntStream.range(0, n).mapToObj(i -> String.valueOf(picker.pick(members))).toList();
    }

    @Test
    void roundRobinTakesEachEligibleWorkerInTurn() {
        List<PoolMember> members = members(3);
        WorkerPicker picker = new WorkerPicker(Routing.ROUND_ROBIN, b -> 0);
        assertThat(picks(picker, members, 6)).containsExactly("h0:9000", "h1:9000", "h2:9000", "h0:9000", "h1:9000",
                "h2:9000");
        members.get(1).draining = true;
        assertThat(picks(picker, members, 4)).containsExactly("h0:9000", "h2:9000", "h0:9000", "h2:9000");
    }

    @Test
    void leastPendingTakesTheWorkerWithFewestJobsAndBreaksTiesInTurn() {
        List<PoolMember> members = members(3);
        WorkerPicker picker = new WorkerPicker(Routing.LEAST_PENDING, b -> 0);
        members.get(0).pending = 2;
        members.get(1).pending = 1;
        members.get(2).pending = 5;
        assertThat(picker.pick(members)).isSameAs(members.get(1));
        members.forEach(m -> m.pending = 0);
        assertThat(picks(picker, members, 3)).doesNotHaveDuplicates();
        members.get(0).up = false;
        members.get(1).pending = 9;
        assertThat(picker.pick(members)).as("the least pending of those up").isSameAs(members.get(2));
    }

    @Test
    void randomPicksAmongTheEligibleOnly() {
        List<PoolMember> members = members(4);
        members.get(0).up = false;
        members.get(2).draining = true;
        List<Integer> bounds = new ArrayList<>();
        WorkerPicker picker = new WorkerPicker(Routing.RANDOM, b -> {
            bounds.add(b);
            return b - 1;
        });
        assertThat(picker.pick(members)).isSameAs(members.get(3));
        assertThat(bounds).containsExactly(2);
    }

    @Test
    void noEligibleWorkerIsNoPick() {
        for (Routing r : Routing.values()) {
            List<PoolMember> members = members(2);
            members.get(0).up = false;
            members.get(1).draining = true;
            assertThat(new WorkerPicker(r, b -> 0).pick(members)).as(r.label()).isNull();
            assertThat(new WorkerPicker(r, b -> 0).pick(members.subList(0, 1))).as(r.label() + ", one worker").isNull();
            assertThat(new WorkerPicker(r, b -> 0).pick(List.of())).as(r.label() + ", no worker").isNull();
        }
    }
}
