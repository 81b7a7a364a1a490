-- Contract `opportunity_history`: one row per live deal and instant its stage, amount,
-- close date or forecast category changed, as text. Key (opportunity_id, changed_at).
--
-- From OpportunityHistory when it has any live row: each row is a snapshot of the four
-- values after a change. Several rows of one deal at one instant keep the latest (the
-- highest Id, as Salesforce Ids grow with time).
--
-- Otherwise from OpportunityFieldHistory (field history tracking): the changes of
-- StageName, Amount, CloseDate and ForecastCategoryName pivoted to one row per deal and
-- instant, a field not changed then is NULL (unchanged, as the contract says). Among
-- changes of one field at one instant the highest Id wins. One more row, at the deal's
-- creation, holds each field's value before its first change (its old_value), so the
-- deal's early states are known.
--
-- Otherwise, when the org lands Opportunity in Fivetran's history mode (schema var
-- salesforce_history_schema), from its versions: each version is a snapshot of the
-- four values from its _fivetran_start on; a version that changes none of them is
-- skipped, and of versions starting at one instant the latest-ending wins.
--
-- So the order of preference is OpportunityHistory, field history, history mode: the
-- first two are Salesforce's own record of each change, the third only what the loader
-- saw at each sync. Rows of deleted deals, or of deals not in contract opportunities,
-- are left out.
with opportunities as (
    select opportunity_id, created_at
    from {{ ref('base_salesforce__contract_opportunities') }} as opportunities
    where opportunity_id is not null
),

history_rows as (
    select
        {{ clean_text('opportunity_id') }} as opportunity_id,
        {{ system_timestamp('created_date') }} as changed_at,
        {{ clean_text('stage_name') }} as stage_name,
        {{ clean_text('amount') }} as amount,
        {{ system_timestamp('close_date') }} as close_date,
        {{ salesforce_forecast_category('forecast_category') }} as forecast_category,
        {{ clean_text('id') }} as history_id
    from {{ system_source('salesforce', 'opportunity_history', [
        'id', 'opportunity_id', 'created_date', 'stage_name', 'amount', 'close_date',
        'forecast_category', 'is_deleted', '_fivetran_deleted']) }} as history
    where {{ is_live(salesforce_deleted_flags()) }}
),

history_ranked as (
    select
        history_rows.*,
        row_number() over (
            partition by history_rows.opportunity_id, history_rows.changed_at
            order by history_rows.history_id desc, history_rows.stage_name, history_rows.amount,
                history_rows.close_date, history_rows.forecast_category
        ) as rank_at_instant
    from history_rows
    inner join opportunities
        on history_rows.opportunity_id = opportunities.opportunity_id
),

from_history as (
    select opportunity_id, changed_at, stage_name, amount, close_date, forecast_category
    from history_ranked
    where rank_at_instant = 1
),

{%- set tracked_fields = {
    'StageName': 'stage_name', 'Amount': 'amount', 'CloseDate': 'close_date',
    'ForecastCategoryName': 'forecast_category'} %}

field_changes as (
    select
        {{ clean_text('field_history.opportunity_id') }} as opportunity_id,
        {{ system_timestamp('field_history.created_date') }} as changed_at,
        case {{ clean_text('field_history.field') }}
            {%- for field, column in tracked_fields.items() %}
            when '{{ field }}' then '{{ column }}'
            {%- endfor %}
        end as contract_column,
        {{ clean_text('field_history.old_value') }} as old_value,
        {{ clean_text('field_history.new_value') }} as new_value,
        {{ clean_text('field_history.id') }} as history_id,
        opportunities.created_at as opportunity_created_at
    from {{ system_source('salesforce', 'opportunity_field_history', [
        'id', 'opportunity_id', 'created_date', 'field', 'old_value', 'new_value',
        'is_deleted', '_fivetran_deleted']) }} as field_history
    inner join opportunities
        on {{ clean_text('field_history.opportunity_id') }} = opportunities.opportunity_id
    where {{ is_live(salesforce_deleted_flags()) }}
        and {{ clean_text('field_history.field') }} in (
            {%- for field in tracked_fields %}'{{ field }}'{{ ", " if not loop.last }}{% endfor %})
        -- only when OpportunityHistory has nothing
        and not exists (select 1 from from_history)
),

-- the values at creation: each field's old_value before its first change
first_changes as (
    select
        *,
        row_number() over (
            partition by opportunity_id, contract_column
            order by {{ parse_timestamp('changed_at') }}, history_id
        ) as change_number
    from field_changes
),

field_values as (
    select opportunity_id, changed_at, contract_column, new_value as field_value, 1 as priority, history_id
    from field_changes
    union all
    select opportunity_id, opportunity_created_at, contract_column, old_value, 0, history_id
    from first_changes
    where change_number = 1
        and old_value is not null
        and opportunity_created_at is not null
        and {{ parse_timestamp('opportunity_created_at') }} < {{ parse_timestamp('changed_at') }}
),

-- one value per deal, instant and field: a change beats a value at creation, and the
-- latest change (highest Id) beats the others
field_values_ranked as (
    select
        *,
        row_number() over (
            partition by opportunity_id, changed_at, contract_column
            order by priority desc, history_id desc, field_value
        ) as rank_at_instant
    from field_values
),

from_field_history as (
    select
        opportunity_id,
        changed_at,
        {%- for column in tracked_fields.values() %}
        max(case when contract_column = '{{ column }}' then field_value end) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from field_values_ranked
    where rank_at_instant = 1
    group by opportunity_id, changed_at
),

{%- set tracked_columns = ['stage_name', 'amount', 'close_date', 'forecast_category'] %}

version_rows as (
    select
        {{ clean_text('versions.id') }} as opportunity_id,
        {{ system_timestamp('versions._fivetran_start') }} as changed_at,
        {{ clean_text('versions._fivetran_end') }} as version_end,
        {{ clean_text('versions.stage_name') }} as stage_name,
        {{ clean_text('versions.amount') }} as amount,
        {{ system_timestamp('versions.close_date') }} as close_date,
        coalesce(
            {{ salesforce_forecast_category('versions.forecast_category_name') }},
            {{ salesforce_forecast_category('versions.forecast_category') }}
        ) as forecast_category
    from {{ system_source('salesforce_history', 'opportunity', [
        'id', '_fivetran_start', '_fivetran_end', 'stage_name', 'amount', 'close_date',
        'forecast_category_name', 'forecast_category', 'is_deleted', '_fivetran_deleted'],
        versions='all') }} as versions
    inner join opportunities
        on {{ clean_text('versions.id') }} = opportunities.opportunity_id
    where {{ is_live(salesforce_deleted_flags()) }}
        and {{ clean_text('versions._fivetran_start') }} is not null
        -- only when Salesforce's own history has nothing
        and not exists (select 1 from from_history)
        and not exists (select 1 from field_changes)
),

-- one version per deal and instant: the one that lasted longest (ends latest)
versions_ranked as (
    select
        *,
        row_number() over (
            partition by opportunity_id, changed_at
            order by case when version_end is null then 0 else 1 end, version_end desc,
                {{ tracked_columns | join(', ') }}
        ) as rank_at_instant
    from version_rows
),

versions_compared as (
    select
        *,
        {%- for column in tracked_columns %}
        lag({{ column }}) over (partition by opportunity_id order by {{ parse_timestamp('changed_at') }})
            as previous_{{ column }},
        {%- endfor %}
        row_number() over (partition by opportunity_id order by {{ parse_timestamp('changed_at') }})
            as version_number
    from versions_ranked
    where rank_at_instant = 1
),

from_history_mode as (
    select opportunity_id, changed_at, {{ tracked_columns | join(', ') }}
    from versions_compared
    where version_number = 1
        {%- for column in tracked_columns %}
        or {{ column }} is distinct from previous_{{ column }}
        {%- endfor %}
),

final as (
    select * from from_history
    union all
    select * from from_history_mode
    union all
    select
        opportunity_id,
        changed_at,
        stage_name,
        amount,
        {{ system_timestamp('close_date') }} as close_date,
        {{ salesforce_forecast_category('forecast_category') }} as forecast_category
    from from_field_history
)

select * from final
