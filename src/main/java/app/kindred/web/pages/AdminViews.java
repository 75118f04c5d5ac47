package app.kindred.web.pages;

import app.kindred.audit.AuditLog;
import app.kindred.delivery.DeliveryStatus.DeliveryRow;
import app.kindred.delivery.DeliveryStatus.HostRow;
import app.kindred.member.Accounts.Account;
import app.kindred.moderation.MemberNotes;
import app.kindred.moderation.ModerationLog;
import app.kindred.policy.DomainBlock;
import app.kindred.policy.PolicyService.Consequences;
import app.kindred.policy.PolicyService.ImportReport;
import app.kindred.policy.PolicyService.LineFate;
import app.kindred.report.ReportService;
import app.kindred.web.pages.Views.Form;
import java.util.List;
import java.util.Map;

/** The admins' workspace's pages (issue 15), one record each; the templates are in src/main/jte/admin. */
public final class AdminViews {
    private AdminViews() {}

    /** The start page: where things stand, and the way to each part. */
    public record HubPage(int hosts, int hostsInTrouble, int blocks, boolean allowlist, long members) {}

    /** Delivery per host; with {@code activity} asked, that activity's deliveries (null: none asked). */
    public record FederationPage(
            List<HostRow> hosts, long waitingFanouts, String activity, List<DeliveryRow> deliveries, Form form) {}

    /** The blocks, the block form, and the allowlist with its own form. */
    public record DomainsPage(List<DomainBlock> blocks, List<String> allowed, boolean allowlistMode, Form form) {}

    /** What suspending a domain cuts, said before it happens; {@code values} carries the form to send again. */
    public record ConfirmBlockPage(String domain, Consequences preview, Map<String, String> values) {}

    /**
     * A blocklist to import: the text as pasted, and after a check each line's fate; {@code report}
     * is what applying would cut (null while a line is invalid or before a check).
     */
    public record ImportPage(Form form, List<LineFate> lines, ImportReport report, boolean applicable) {}

    public record MembersPage(String query, List<Account> accounts) {}

    /**
     * One member; {@code resetLink} is a reset link just issued, shown this once (null otherwise);
     * {@code reports} those about them or their posts, in every community; {@code history} what
     * moderators did about them.
     */
    public record MemberPage(
            Account account,
            boolean self,
            Form form,
            String resetLink,
            List<ReportService.Detail> reports,
            List<ModerationLog.MemberAct> history,
            List<MemberNotes.CommunityNote> notes) {}

    public record ConfirmSuspendPage(Account account, Form form) {}

    public record AuditPage(List<AuditLog.Entry> entries) {}

    /** A password reset link opened by the member; {@code username} null when the link is spent. */
    public record ResetPage(String username, Form form) {}
}
