package io.tasq.core.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tasq.InvalidScheduleException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void intervalsInEveryForm() {
        assertThat(Schedule.parse("8s")).isEqualTo(new Schedule.Every(Duration.ofSeconds(8)));
        assertThat(Schedule.parse("6m")).isEqualTo(new Schedule.Every(Duration.ofMinutes(6)));
        assertThat(Schedule.parse("2h")).isEqualTo(new Schedule.Every(Duration.ofHours(2)));
        assertThat(Schedule.parse("1d")).isEqualTo(new Schedule.Every(Duration.ofDays(1)));
        assertThat(Schedule.parse("PT8S")).isEqualTo(new Schedule.Every(Duration.ofSeconds(8)));
        assertThat(Schedule.parse("500ms").canonical()).isEqualTo("PT0.5S");
        assertThat(Schedule.parse(Schedule.parse("2h").canonical())).isEqualTo(Schedule.parse("2h"));
    }

    @Test
    void cronWithFiveOrSixFieldsAndAZone() {
        Schedule five = Schedule.parse("*/5 * * * *");
        assertThat(five.nextAfter(Instant.parse("2026-01-01T10:02:00Z"))).isEqualTo(Instant.parse("2026-01-01T10:05:00Z"));
        Schedule six = Schedule.parse("30 0 9 * * MON-FRI Europe/Rome");
        // Friday 2 January 2026, 09:00:30 in Rome is 08:00:30 UTC
        assertThat(six.nextAfter(Instant.parse("2026-01-02T07:00:00Z"))).isEqualTo(Instant.parse("2026-01-02T08:00:30Z"));
        assertThat(Schedule.parse(six.canonical()).nextAfter(Instant.parse("2026-01-02T07:00:00Z")))
                .isEqualTo(Instant.parse("2026-01-02T08:00:30Z"));
    }

    @Test
    void badSchedulesListTheAcceptedForms() {
        assertThatThrownBy(() -> Schedule.parse("every tuesday")).isInstanceOf(InvalidScheduleException.class)
                .hasMessageContaining("8s").hasMessageContaining("cron");
        assertThatThrownBy(() -> Schedule.parse("61 * * * *")).isInstanceOf(InvalidScheduleException.class)
                .hasMessageContaining("not a valid cron expression");
        assertThatThrownBy(() -> Schedule.parse("10ms")).hasMessageContaining("shorter than 100ms");
        assertThatThrownBy(() -> Schedule.parse("0 9 * * * Mars/Olympus")).hasMessageContaining("not a time zone");
    }
}
