package io.tasq.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.ClientClosedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OpenResourcesTest {

    private final List<String> closedOrder = new ArrayList<>();

    private AutoCloseable named(String name) {
        return () -> closedOrder.add(name);
    }

    @Test
    void everythingHeldIsClosedNewestFirstOnceEvenWhenOneFails() {
        OpenResources open = new OpenResources("the test backend");
        open.add(named("producer"));
        open.add(() -> {
            closedOrder.add("failing");
            throw new IllegalStateException("cannot close");
        });
        open.add(named("consumer"));
        open.close();
        open.close();
        assertThat(closedOrder).containsExactly("consumer", "failing", "producer");
        assertThat(open.isClosed()).isTrue();
    }

    @Test
    void aSharedResourceIsOpenedOnceAndClosedWithTheRest() {
        OpenResources open = new OpenResources("the test backend");
        AtomicInteger opened = new AtomicInteger();
        class Admin implements AutoCloseable {
            @Override
            public void close() {
                closedOrder.add("admin");
            }
        }
        Admin first = open.shared(Admin.class, () -> {
            opened.incrementAndGet();
            return new Admin();
        });
        assertThat(open.shared(Admin.class, Admin::new)).isSameAs(first);
        assertThat(opened).hasValue(1);
        assertThat(open.all(Admin.class)).containsExactly(first);
        open.close();
        assertThat(closedOrder).containsExactly("admin");
    }

    @Test
    void afterCloseNothingIsTakenAndWhatWasOfferedIsClosed() {
        OpenResources open = new OpenResources("the test backend");
        open.close();
        assertThatThrownBy(() -> open.add(named("late"))).isInstanceOf(ClientClosedException.class)
                .hasMessage("the test backend is closed");
        assertThat(closedOrder).containsExactly("late");
        assertThatThrownBy(() -> open.shared(AutoCloseable.class, () -> named("never")))
                .isInstanceOf(ClientClosedException.class);
        assertThatThrownBy(open::checkOpen).isInstanceOf(ClientClosedException.class);
        assertThat(closedOrder).containsExactly("late");
    }
}
