-- Each agreement's next non-renewal notice deadline and next term end (renewal or expiration)
-- on or after the day its key dates were last computed or advanced, so the listing filters,
-- counts and sorts a notice window on one index range instead of grouping the key-date rows.
alter table deadline_state add column next_notice text;
alter table deadline_state add column next_term_end text;
create index deadline_state_next_notice on deadline_state (organisation_id, next_notice, agreement_id);
-- Filled from the stored key dates as of yesterday (UTC): no tenant's today is earlier, and the
-- listing advances any value that falls before its today.
update deadline_state set
    next_notice = (select min(d.due_date) from deadline d where d.agreement_id = deadline_state.agreement_id
        and d.kind = 'non_renewal_notice_deadline'
        and d.due_date >= to_char((now() at time zone 'utc')::date - 1, 'YYYY-MM-DD')),
    next_term_end = (select min(d.due_date) from deadline d where d.agreement_id = deadline_state.agreement_id
        and d.kind in ('renewal', 'expiration')
        and d.due_date >= to_char((now() at time zone 'utc')::date - 1, 'YYYY-MM-DD'));
