package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gentle daily reminder (issue 18): off until the member chooses a time; then page views add up
 * to today's minutes (at most five per view, nothing kept but today's total), and past the chosen
 * time every page carries a calm note. A new day starts from nothing; turning it off forgets today.
 */
class DailyReminderTest {
    private static final String PASSWORD = "correct horse battery";
    private static TestServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static long count(String sql, Object... params) {
        return server.app().database().read(c -> Sql.count(c, sql, params));
    }

    private static String note(WebClient web) {
        var status = Jsoup.parse(web.get("/").body()).selectFirst("main [role=status]");
        return status == null ? null : status.text();
    }

    @Test
    void afterTheChosenTimePagesSayCalmlyHowLongTheMemberHasBeenHereToday() throws Exception {
        var token = api.member("fern");
        var web = new WebClient(server);
        assertEquals(
                303,
                web.submit("/login", "/login", Map.of("username", "fern", "password", PASSWORD))
                        .statusCode());
        long account = count("select id from account where username = 'fern'");

        // Off by default: nothing is counted.
        var off = new ObjectMapper()
                .readTree(api.get("/api/v1/me/reminder", token).body());
        assertTrue(off.get("after_minutes").isNull());
        assertNull(note(web));
        assertEquals(0, count("select count(*) from daily_use where account_id = ?", account));

        // Choosing: from 5 minutes to a day.
        assertEquals(
                422,
                api.send("PUT", "/api/v1/me/reminder", "{\"after_minutes\": 3}", token)
                        .statusCode());
        assertEquals(
                400,
                api.send("PUT", "/api/v1/me/reminder", "{\"after_minutes\": \"soon\"}", token)
                        .statusCode());
        var on = api.send("PUT", "/api/v1/me/reminder", "{\"after_minutes\": 30}", token);
        assertEquals(200, on.statusCode(), on.body());

        assertNull(note(web));
        assertEquals(1, count("select count(*) from daily_use where account_id = ? and seconds = 0", account));
        // A page left open for an hour counts five minutes, no more.
        server.sql("update daily_use set last_view_at = now() - interval '1 hour' where account_id = ?", account);
        assertNull(note(web));
        assertEquals(1, count("select count(*) from daily_use where account_id = ? and seconds = 300", account));

        // Just past the chosen half hour: a calm note on the page.
        server.sql(
                "update daily_use set seconds = 29 * 60 + 50, last_view_at = now() - interval '20 seconds' where account_id = ?",
                account);
        assertEquals(
                "You have been here for about 30 minutes today. This might be a good moment for a short pause.",
                note(web));
        var today = new ObjectMapper()
                .readTree(api.get("/api/v1/me/reminder", token).body());
        assertEquals(30, today.get("minutes_today").asInt());
        assertTrue(today.get("due").asBoolean());

        // A new day starts from nothing: only today is ever kept.
        server.sql("update daily_use set day = day - 1 where account_id = ?", account);
        assertNull(note(web));
        assertEquals(
                1,
                count(
                        "select count(*) from daily_use where account_id = ? and seconds = 0 and day = (now() at time zone 'utc')::date",
                        account));

        // Turning it off forgets today too.
        assertEquals(
                200,
                api.send("PUT", "/api/v1/me/reminder", "{\"after_minutes\": null}", token)
                        .statusCode());
        assertEquals(0, count("select count(*) from daily_use where account_id = ?", account));
        assertNull(note(web));
        assertEquals(0, count("select count(*) from daily_use"));
    }
}
