{#- Helpers of the Salesforce staging models (models/staging/salesforce/). -#}

{#- Salesforce's delete flags: its own recycle bin and the loader's. -#}
{% macro salesforce_deleted_flags() -%}
    {{ return(['is_deleted', '_fivetran_deleted']) }}
{%- endmacro %}


{#- A boolean expression as contract text ('true'/'false', NULL stays NULL). -#}
{% macro boolean_text(expression) -%}
    case when {{ expression }} then 'true' when not ({{ expression }}) then 'false' end
{%- endmacro %}


{#- A forecast category as the contract's lower-case value. Opportunity's
    ForecastCategoryName holds labels ('Best Case', 'Commit'); OpportunityHistory's
    ForecastCategory holds API values ('BestCase', and 'Forecast' for Commit). -#}
{% macro salesforce_forecast_category(column) -%}
    case
        when {{ parse_enum(column) }} in ('bestcase', 'best case') then 'best_case'
        when {{ parse_enum(column) }} = 'forecast' then 'commit'
        else replace({{ parse_enum(column) }}, ' ', '_')
    end
{%- endmacro %}


{#- Opportunity.Type as the contract's opportunity_type; values outside the three
    kinds (e.g. 'Existing Customer - Downgrade') are NULL. -#}
{% macro salesforce_opportunity_type(column) -%}
    case
        when {{ parse_enum(column) }} in ('new business', 'new customer', 'new_business') then 'new_business'
        when {{ parse_enum(column) }} like '%upgrade%'
            or {{ parse_enum(column) }} like '%expansion%'
            or {{ parse_enum(column) }} like '%upsell%'
            or {{ parse_enum(column) }} like '%up-sell%'
            or {{ parse_enum(column) }} like '%cross-sell%'
            or {{ parse_enum(column) }} like '%cross sell%'
            or {{ parse_enum(column) }} like '%crosssell%'
            then 'expansion'
        when {{ parse_enum(column) }} like '%renewal%' then 'renewal'
    end
{%- endmacro %}
