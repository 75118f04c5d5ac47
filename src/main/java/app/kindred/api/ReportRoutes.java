package app.kindred.api;

import app.kindred.member.Member;
import app.kindred.report.Category;
import app.kindred.report.Filing;
import app.kindred.report.ReportService;
import app.kindred.report.ReportStatus;
import app.kindred.report.ReportStore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reports (issue #7): members file them and follow their status; moderators and admins work the
 * queue. The reported person never sees who reported them: reporters appear only in the queue.
 */
final class ReportRoutes {
    private final Function<Context, Member> member;
    private final ReportService reports;

    ReportRoutes(Function<Context, Member> member, ReportService reports) {
        this.member = member;
        this.reports = reports;
    }

    List<ApiRoutes.Endpoint> endpoints() {
        return List.of(
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/reports", this::file),
                new ApiRoutes.Endpoint(HandlerType.GET, "/api/v1/reports", this::queue),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/reports/{id}",
                        ctx -> ctx.json(ReportView.of(reports.find(member.apply(ctx), id(ctx))))),
                new ApiRoutes.Endpoint(
                        HandlerType.POST, "/api/v1/reports/{id}/resolve", ctx -> decide(ctx, ReportStatus.RESOLVED)),
                new ApiRoutes.Endpoint(
                        HandlerType.POST, "/api/v1/reports/{id}/dismiss", ctx -> decide(ctx, ReportStatus.DISMISSED)),
                new ApiRoutes.Endpoint(
                        HandlerType.POST,
                        "/api/v1/reports/{id}/forward",
                        ctx -> ctx.json(ReportView.of(reports.forward(member.apply(ctx), id(ctx))))),
                // Escalation to admins (modset6).
                new ApiRoutes.Endpoint(HandlerType.POST, "/api/v1/reports/{id}/escalate", ctx -> {
                    var body = JsonBody.parse(ctx.body().isBlank() ? "{}" : ctx.body(), Set.of("note"));
                    ctx.json(EscalationView.of(reports.escalate(member.apply(ctx), id(ctx), body.text("note"))));
                }),
                new ApiRoutes.Endpoint(
                        HandlerType.GET,
                        "/api/v1/me/reports",
                        ctx -> ctx.json(reports.mine(member.apply(ctx)).stream()
                                .map(MyReportView::of)
                                .toList())));
    }

    private void file(Context ctx) {
        var reporter = member.apply(ctx);
        var body = JsonBody.parse(ctx.body(), Set.of("post", "member", "category", "rule", "text", "show_identity"));
        Long post = body.has("post") && !body.isNull("post") ? (long) body.requiredInt("post") : null;
        Integer rule = body.has("rule") && !body.isNull("rule") ? body.requiredInt("rule") : null;
        var draft = new ReportService.Draft(
                post,
                body.text("member"),
                Category.parse("category", body.requiredText("category")),
                rule,
                body.text("text"),
                Boolean.TRUE.equals(body.bool("show_identity")));
        // Within the member's limit, taken in the service (wellbeing concerns counted apart).
        ctx.status(201).json(MyReportView.of(reports.file(reporter, draft)));
    }

    private void queue(Context ctx) {
        var viewer = member.apply(ctx);
        Long community = null;
        if (ctx.queryParam("community") != null) {
            try {
                community = Long.parseLong(ctx.queryParam("community"));
            } catch (NumberFormatException e) {
                throw JsonBody.badRequest("community", "community must be a community id");
            }
        }
        var status = ctx.queryParam("status") == null ? null : ReportStatus.parse("status", ctx.queryParam("status"));
        var category =
                ctx.queryParam("category") == null ? null : Category.parse("category", ctx.queryParam("category"));
        ctx.json(reports.queue(viewer, new ReportStore.Filter(community, status, category)).stream()
                .map(ReportView::of)
                .toList());
    }

    private void decide(Context ctx, ReportStatus decision) {
        var moderator = member.apply(ctx);
        var body = JsonBody.parse(ctx.body() == null || ctx.body().isBlank() ? "{}" : ctx.body(), Set.of("note"));
        ctx.json(ReportView.of(reports.decide(moderator, id(ctx), decision, body.text("note"))));
    }

    private static long id(Context ctx) {
        return RequestNumbers.path(ctx, "id");
    }

    /** A report as moderators see it, with every filing grouped under it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ReportView(
            long id,
            String concern,
            String status,
            Long communityId,
            String community,
            Long postId,
            String post,
            String postTitle,
            String subject,
            String writtenBy,
            boolean forAdmins,
            List<String> categories,
            List<FilingView> filings,
            String note,
            Instant decidedAt,
            Instant forwardedAt,
            Instant created) {
        static ReportView of(ReportService.Detail d) {
            var r = d.report();
            var filings = new ArrayList<FilingView>();
            for (int i = 0; i < r.filings().size(); i++)
                filings.add(FilingView.of(r.filings().get(i), d.reporters().get(i)));
            return new ReportView(
                    r.id(),
                    r.concern().wire(),
                    r.status().wire(),
                    r.communityId(),
                    d.communityName(),
                    r.postId(),
                    uriText(d.post()),
                    d.postTitle(),
                    uriText(d.subject()),
                    d.writtenBy(),
                    r.forAdmins(),
                    r.filings().stream()
                            .map(f -> f.category().wire())
                            .distinct()
                            .toList(),
                    filings,
                    r.note(),
                    r.decidedAt(),
                    r.forwardedAt(),
                    r.createdAt());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record FilingView(String category, Integer rule, String text, String reporter, boolean local, Instant created) {
        static FilingView of(Filing f, URI reporter) {
            return new FilingView(f.category().wire(), f.rule(), f.text(), uriText(reporter), f.local(), f.createdAt());
        }
    }

    /** What a reporter sees of their own report: what they said and where it stands, not the moderators' note. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record MyReportView(
            long id,
            String status,
            String concern,
            String category,
            Integer rule,
            String text,
            Long postId,
            String post,
            String subject,
            boolean showIdentity,
            boolean sentToOtherServers,
            Instant created,
            Instant decidedAt) {
        static MyReportView of(ReportService.Mine m) {
            var r = m.report();
            var f = m.filing();
            return new MyReportView(
                    r.id(),
                    r.status().wire(),
                    r.concern().wire(),
                    f.category().wire(),
                    f.rule(),
                    f.text(),
                    r.postId(),
                    uriText(m.post()),
                    uriText(m.subject()),
                    f.showIdentity(),
                    f.flagId() != null,
                    f.createdAt(),
                    r.decidedAt());
        }
    }

    private static String uriText(URI uri) {
        return uri == null ? null : uri.toString();
    }

    /** A report passed up to the admins: by which moderator (name@domain), why, when. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record EscalationView(long report, String escalatedBy, String note, Instant escalatedAt) {
        static EscalationView of(ReportService.Escalation e) {
            return new EscalationView(e.reportId(), e.by(), e.note(), e.at());
        }
    }
}
