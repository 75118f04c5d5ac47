-- One filing per local member per report (issue 21): filing again updates it, so one account cannot
-- make a report look like many. Earlier repeats are folded into the newest, which keeps the latest words.
delete from report_filing f
where f.local and exists (select 1 from report_filing newer
                          where newer.local and newer.report_id = f.report_id and newer.reporter_id = f.reporter_id
                            and newer.id > f.id);
create unique index report_filing_one_per_member on report_filing (report_id, reporter_id) where local;
