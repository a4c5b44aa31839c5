package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A session ends when its owner signs out (that session, or everywhere), when its token expires, and when its
 * account is erased: its token gets 401 from then on and the live streams it opened get a last {@code
 * session-ended} event and close, while the account's other sessions, and other accounts, carry on.
 */
class SessionEndIT {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String LOGOUT = "/api/v1/auth/logout";

    private static TestSystem system;

    @BeforeAll
    static void start() {
        system = TestSystem.start();
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    /** A live stream read line by line; {@code ended} completes when the server closes it. */
    private record Stream(List<String> lines, CompletableFuture<Void> ended) {

        static Stream open(TestSystem system, String token, String path) {
            List<String> lines = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> ended = HttpClient.newHttpClient()
                    .sendAsync(
                            HttpRequest.newBuilder(URI.create(system.api(path + "?access_token=" + token)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofLines())
                    .thenAccept(response -> {
                        lines.add("HTTP " + response.statusCode());
                        response.body().forEach(lines::add);
                    });
            Stream stream = new Stream(lines, ended);
            await().atMost(PATIENCE).until(() -> lines.size() > 1);
            assertThat(lines.get(0)).as(lines.toString()).isEqualTo("HTTP 200");
            return stream;
        }

        void awaitEndedBecause(String reason) {
            await().atMost(PATIENCE).until(ended::isDone);
            assertThat(lines).as("the stream's last event").contains("event: session-ended");
            assertThat(lines.get(lines.indexOf("event: session-ended") + 1))
                    .isEqualTo("data: {\"reason\":\"" + reason + "\"}");
        }
    }

    @Test
    void signingOut_endsThatSessionAndItsStream_only() {
        // given: alice signed in on two devices, each watching her cars
        String phone = system.login("alice");
        String tablet = system.login("alice");
        Stream phoneStream = Stream.open(system, phone, "/api/v1/vehicles/stream");
        Stream tabletStream = Stream.open(system, tablet, "/api/v1/vehicles/stream");
        double before = system.metric("carlink_auth_logouts_total", "scope=\"session\"");

        // when: she signs out on the phone
        TestSystem.Reply out = system.post(phone, LOGOUT, "");

        // then: the phone's token is refused, its stream told why and closed; the tablet carries on
        assertThat(out.status()).as(out.body()).isEqualTo(204);
        TestSystem.Reply refused = system.get(phone, "/api/v1/vehicles");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().getString("detail")).contains("signed out");
        phoneStream.awaitEndedBecause("signed out");
        assertThat(system.get(tablet, "/api/v1/vehicles").status()).isEqualTo(200);
        await().during(Duration.ofMillis(500))
                .atMost(PATIENCE)
                .until(() -> !tabletStream.ended().isDone());
        assertThat(system.post(phone, LOGOUT, "").status())
                .as("signing out an ended session")
                .isEqualTo(401);
        assertThat(system.metric("carlink_auth_logouts_total", "scope=\"session\""))
                .isEqualTo(before + 1);
        assertThat(system.post(tablet, LOGOUT, "").status()).isEqualTo(204);
        tabletStream.awaitEndedBecause("signed out");
    }

    @Test
    void signingOutEverywhere_endsEverySessionOfTheAccount_andNoOtherAccounts() {
        // given: staff signed in twice, one watching the task queue; an administrator signed in
        String desk = system.login("staff");
        String laptop = system.login("staff");
        String admin = system.login("admin");
        Stream queue = Stream.open(system, laptop, "/api/v1/tasks/stream");

        // when: staff sign out everywhere from the desk
        TestSystem.Reply out = system.post(desk, LOGOUT + "?everywhere=true", "");

        // then
        assertThat(out.status()).as(out.body()).isEqualTo(204);
        assertThat(system.get(desk, "/api/v1/tasks").status()).isEqualTo(401);
        assertThat(system.get(laptop, "/api/v1/tasks").status()).isEqualTo(401);
        queue.awaitEndedBecause("signed out");
        assertThat(system.get(admin, "/api/v1/tasks").status())
                .as("another account")
                .isEqualTo(200);
    }

    @Test
    void badLogouts_areRefusedWithTheirReason_andEndNothing() {
        String admin = system.login("admin");

        TestSystem.Reply badFlag = system.post(admin, LOGOUT + "?everywhere=yes", "");
        TestSystem.Reply anonymous = system.post(null, LOGOUT, "");
        TestSystem.Reply unknown = system.post("no-such-token", LOGOUT, "");

        assertThat(badFlag.status()).as(badFlag.body()).isEqualTo(400);
        assertThat(badFlag.json().getString("field")).isEqualTo("everywhere");
        assertThat(badFlag.json().getString("detail")).contains("true or false");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(system.get(admin, "/api/v1/tasks").status())
                .as("the session a bad logout named")
                .isEqualTo(200);
    }

    @Test
    void erasingTheAccount_endsItsStreams() {
        String bob = system.login("bob");
        Stream stream = Stream.open(system, bob, "/api/v1/vehicles/stream");

        TestSystem.Reply erased = system.delete(bob, "/api/v1/account", "{\"password\":\"bob-test-pass\"}");

        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        stream.awaitEndedBecause("signed out");
    }

    @Test
    void anExpiringToken_endsItsStreamWhenItExpires() {
        try (TestSystem shortLived = TestSystem.start(c -> c.withTokenTtl(Duration.ofSeconds(3)))) {
            String alice = shortLived.login("alice");
            Stream stream = Stream.open(shortLived, alice, "/api/v1/vehicles/stream");

            stream.awaitEndedBecause("expired");

            assertThat(shortLived.get(alice, "/api/v1/vehicles").status()).isEqualTo(401);
        }
    }
}
