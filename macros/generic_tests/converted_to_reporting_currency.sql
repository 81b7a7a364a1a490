{#- Every amount that exists has a converted amount: a currency without a rate in force
    on the conversion date is a data error, never a silent NULL. The failing rows show
    the currency to add to fx_rates. -#}
{% test converted_to_reporting_currency(model, column_name, source_column, currency_column='currency') %}
    select
        {{ currency_column }} as currency_without_rate,
        count(*) as rows_without_rate
    from {{ model }}
    where {{ source_column }} is not null
        and {{ column_name }} is null
    group by {{ currency_column }}
{% endtest %}
