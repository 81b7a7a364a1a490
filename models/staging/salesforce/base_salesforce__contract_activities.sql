-- Contract `activities` from Salesforce's Task and Event objects: one row per live
-- touch on an account, as text. Left out: deleted rows; tasks and events without an
-- account (a touch of nobody's account counts for no account KPI); open tasks
-- (is_closed false: to-dos, not touches yet). A live touch on a deleted account is kept
-- (its account is kept, flagged deleted: see base_salesforce__contract_accounts).
--   tasks:  occurred_at = completed_date_time, else activity_date, else created_date;
--           activity_type = task_subtype (Email, Call, LinkedIn...; ListEmail is email)
--           unless it is Task or empty, then type (Call, Email, Meeting...), else task.
--   events: occurred_at = activity_date_time, else activity_date, else created_date;
--           activity_type = type, else meeting.
with tasks as (
    select * from {{ system_source('salesforce', 'task', [
        'id', 'account_id', 'owner_id', 'completed_date_time', 'activity_date', 'created_date',
        'task_subtype', 'type', 'is_closed', 'is_deleted', '_fivetran_deleted']) }} as tasks
    where {{ is_live(salesforce_deleted_flags()) }}
        and coalesce({{ parse_boolean('is_closed') }}, true)
),

events as (
    select * from {{ system_source('salesforce', 'event', [
        'id', 'account_id', 'owner_id', 'activity_date_time', 'activity_date', 'created_date',
        'type', 'is_deleted', '_fivetran_deleted']) }} as events
    where {{ is_live(salesforce_deleted_flags()) }}
),

touches as (
    select
        {{ clean_text('id') }} as activity_id,
        {{ clean_text('account_id') }} as account_id,
        coalesce(
            {{ system_timestamp('completed_date_time') }},
            {{ system_timestamp('activity_date') }},
            {{ system_timestamp('created_date') }}
        ) as occurred_at,
        {{ clean_text('owner_id') }} as user_id,
        case
            when {{ parse_enum('task_subtype') }} = 'listemail' then 'email'
            when {{ parse_enum('task_subtype') }} <> 'task' then {{ parse_enum('task_subtype') }}
            else coalesce({{ parse_enum('type') }}, 'task')
        end as activity_type
    from tasks
    union all
    select
        {{ clean_text('id') }},
        {{ clean_text('account_id') }},
        coalesce(
            {{ system_timestamp('activity_date_time') }},
            {{ system_timestamp('activity_date') }},
            {{ system_timestamp('created_date') }}
        ),
        {{ clean_text('owner_id') }},
        coalesce({{ parse_enum('type') }}, 'meeting')
    from events
),

final as (
    select *
    from touches
    where account_id is not null
)

select * from final
