package io.tasq.core.internal.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.Job;
import io.tasq.SerializationException;
import io.tasq.Task1;
import io.tasq.Task2;
import io.tasq.internal.Call1;
import io.tasq.internal.Call2;
import io.tasq.spi.ClassFilter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForySerializerTest {

    record Point(int x, int y) implements java.io.Serializable {
    }

    private final ForySerializer fory = new ForySerializer();
    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void capturingLambdaRoundTrips() throws Exception {
        int offset = 7;
        Task1<Integer, Integer> add = n -> n + offset;
        byte[] bytes = fory.serialize(new Call1<>(add, 5));
        Object back = fory.deserialize(bytes, loader, ClassFilter.ALLOW_ALL);
        assertThat(((Job<?>) back).call()).isEqualTo(12);
    }

    @Test
    void applicationRecordsAndCollectionsRoundTrip() throws Exception {
        Task2<Point, List<Integer>, Map<String, Integer>> f = (p, l) -> Map.of("sum", p.x() + p.y() + l.size());
        byte[] bytes = fory.serialize(new Call2<>(f, new Point(1, 2), List.of(1, 2, 3)));
        Object back = fory.deserialize(bytes, loader, ClassPolicy.of(List.of("io.tasq.core.internal.serial.*")));
        assertThat(((Job<?>) back).call()).isEqualTo(Map.of("sum", 6));
    }

    @Test
    void strictPolicyRefusesApplicationClassesNotAllowed() {
        Task1<Point, Integer> f = p -> p.x();
        byte[] bytes = fory.serialize(new Call1<>(f, new Point(1, 2)));
        assertThatThrownBy(() -> fory.deserialize(bytes, loader, ClassPolicy.of(List.of())))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("io.tasq.core.internal.serial.ForySerializerTest");
    }

    /** Lambdas of another capturing class, to read alternately with this class's. */
    static final class Other {
        static Task1<Integer, Integer> times(int k) {
            return n -> n * k;
        }
    }

    @Test
    void lambdasOfDifferentCapturingClassesReadAlternatelyByOneReader() throws Exception {
        int offset = 7;
        Task1<Integer, Integer> add = n -> n + offset;
        byte[] mine = fory.serialize(new Call1<>(add, 5));
        byte[] other = fory.serialize(new Call1<>(Other.times(3), 5));
        ClassFilter filter = ClassFilter.ALLOW_ALL;
        for (int i = 0; i < 3; i++) {
            assertThat(((Job<?>) fory.deserialize(mine, loader, filter)).call()).isEqualTo(12);
            assertThat(((Job<?>) fory.deserialize(other, loader, filter)).call()).isEqualTo(15);
        }
    }

    @Test
    void methodReferenceRoundTrips() throws Exception {
        Task1<String, Integer> len = String::length;
        Object back = fory.deserialize(fory.serialize(new Call1<>(len, "four")), loader, ClassFilter.ALLOW_ALL);
        assertThat(((Job<?>) back).call()).isEqualTo(4);
    }
}
