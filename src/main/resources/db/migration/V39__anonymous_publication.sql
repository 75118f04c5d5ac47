-- Issue 17, on the writer's own server: a member's post sent to a community elsewhere to be published
-- there anonymously (anonymous_request), and the address the community published it under, as the
-- community's server told us privately (an Accept of the request with its result). Lets the writer see
-- the published post as theirs and edit or delete it from here; everyone else sees only the pseudonym.
create table anonymous_publication (
    post_id         bigint primary key references anonymous_request (post_id) on delete cascade,
    published_uri   text not null unique
);

create trigger readable_changed after insert or update or delete or truncate on anonymous_publication
    for each statement execute function readable_changed();
