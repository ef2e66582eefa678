"""The default model as a hand-written DuckDB SQL script.

Written as an analyst would: the lists, bands and weights inline in the SQL
(the weights are the model's whole-number weights of each criterion in the
total, see ``default_model.WEIGHTS``), the as-of date as a parameter. Scores
go into a narrow temporary table; the capped tiers are then filled with
``ORDER BY ... LIMIT`` and DuckDB writes the Parquet file itself.

    python benchmarks/peers/duckdb_peer.py ACCOUNTS.parquet OUT.parquet \
        --as-of 2026-09-30
"""

from __future__ import annotations

import duckdb
from default_model import parse_args

SCORE = """
CREATE TEMP TABLE eligible AS
WITH typed AS (
  SELECT
    account_id,
    nullif(lower(trim(industry)), '') AS industry,
    nullif(lower(trim(country)), '') AS country,
    nullif(lower(trim(reference_value)), '') AS reference_value,
    nullif(lower(trim(relationship_strength)), '') AS relationship_strength,
    employees, annual_revenue, revenue_growth_pct,
    -- Potential: given, or 0.05% of revenue in whole euros, 10K to 5M.
    coalesce(
      potential_acv,
      CASE WHEN annual_revenue > 0 THEN
        least(greatest(floor(annual_revenue)::BIGINT // 2000, 10000), 5000000)
      END
    ) AS potential,
    expansion_units, partner_value, web_visits_30d, content_downloads_90d,
    events_attended_180d, intent_score,
    -- An engagement after the as-of date has not happened yet.
    CASE WHEN last_engagement_date <= $as_of THEN last_engagement_date END
      AS last_engagement_date,
    champion_identified, exec_sponsor, exec_access,
    competitor_incumbent, competitor_contract_end
  FROM read_parquet($accounts)
),
points AS (
  SELECT
    account_id, potential, exec_sponsor, competitor_incumbent,
    competitor_contract_end,
    CASE
      WHEN industry IS NULL THEN NULL
      WHEN industry IN ('technology', 'software', 'financials', 'finance',
        'banking', 'insurance', 'telecommunications', 'business services',
        'consulting', 'electronics') THEN 10
      WHEN industry IN ('health care', 'healthcare', 'medical',
        'biotechnology', 'media', 'entertainment', 'marketing', 'retailing',
        'retail', 'industrials', 'manufacturing', 'energy', 'transportation',
        'services', 'wholesalers') THEN 5
      ELSE 0
    END AS industry_fit,
    CASE
      WHEN employees IS NULL THEN NULL
      WHEN employees >= 5000 THEN 10
      WHEN employees >= 1000 THEN 8
      WHEN employees >= 200 THEN 6
      WHEN employees >= 50 THEN 3
      ELSE 0
    END AS size_by_headcount,
    CASE
      WHEN annual_revenue IS NULL THEN NULL
      WHEN annual_revenue >= 1000000000 THEN 10
      WHEN annual_revenue >= 250000000 THEN 8
      WHEN annual_revenue >= 50000000 THEN 6
      WHEN annual_revenue >= 10000000 THEN 3
      ELSE 0
    END AS size_by_revenue,
    CASE
      WHEN country IS NULL THEN NULL
      WHEN country IN ('us', 'usa', 'united states', 'gb', 'uk',
        'united kingdom', 'de', 'germany', 'nl', 'netherlands', 'fr',
        'france') THEN 10
      WHEN country IN ('ca', 'canada', 'ie', 'ireland', 'be', 'belgium', 'lu',
        'luxembourg', 'at', 'austria', 'ch', 'switzerland', 'se', 'sweden',
        'dk', 'denmark', 'no', 'norway', 'fi', 'finland', 'es', 'spain', 'it',
        'italy', 'au', 'australia') THEN 5
      ELSE 0
    END AS geography,
    CASE
      WHEN revenue_growth_pct IS NULL THEN NULL
      WHEN revenue_growth_pct >= 25 THEN 10
      WHEN revenue_growth_pct >= 10 THEN 7
      WHEN revenue_growth_pct >= 0 THEN 4
      ELSE 0
    END AS growth,
    CASE
      WHEN potential IS NULL THEN NULL
      WHEN potential >= 500000 THEN 10
      WHEN potential >= 250000 THEN 7
      WHEN potential >= 100000 THEN 5
      WHEN potential >= 50000 THEN 3
      ELSE 0
    END AS contract_value,
    CASE
      WHEN expansion_units IS NULL THEN NULL
      WHEN expansion_units >= 4 THEN 10
      WHEN expansion_units >= 2 THEN 5
      ELSE 0
    END AS expansion,
    CASE WHEN partner_value THEN 10 WHEN NOT partner_value THEN 0 END
      AS partner,
    CASE
      WHEN reference_value IS NULL THEN NULL
      WHEN reference_value = 'flagship' THEN 10
      WHEN reference_value = 'known' THEN 5
      ELSE 0
    END AS reference,
    CASE
      WHEN web_visits_30d IS NULL THEN NULL
      WHEN web_visits_30d >= 50 THEN 10
      WHEN web_visits_30d >= 10 THEN 6
      WHEN web_visits_30d >= 1 THEN 3
      ELSE 0
    END AS web_visits,
    CASE
      WHEN content_downloads_90d IS NULL THEN NULL
      WHEN content_downloads_90d >= 3 THEN 10
      WHEN content_downloads_90d >= 1 THEN 5
      ELSE 0
    END AS content_downloads,
    CASE
      WHEN events_attended_180d IS NULL THEN NULL
      WHEN events_attended_180d >= 2 THEN 10
      WHEN events_attended_180d >= 1 THEN 6
      ELSE 0
    END AS events,
    CASE
      WHEN intent_score IS NULL THEN NULL
      WHEN intent_score >= 80 THEN 10
      WHEN intent_score >= 60 THEN 7
      WHEN intent_score >= 40 THEN 4
      ELSE 0
    END AS intent,
    -- Never engaged scores 0 (not unknown), but is not observed data.
    CASE
      WHEN last_engagement_date >= $as_of - 14 THEN 10
      WHEN last_engagement_date >= $as_of - 45 THEN 6
      WHEN last_engagement_date >= $as_of - 90 THEN 3
      ELSE 0
    END AS recency,
    CASE
      WHEN relationship_strength IS NULL THEN NULL
      WHEN relationship_strength = 'strong' THEN 10
      WHEN relationship_strength = 'some' THEN 5
      ELSE 0
    END AS relationship,
    CASE WHEN champion_identified THEN 10 ELSE 0 END AS champion,
    CASE WHEN exec_access THEN 10 ELSE 0 END AS executive_access,
    CASE
      WHEN competitor_incumbent IS NULL THEN NULL
      WHEN NOT competitor_incumbent THEN 10
      WHEN competitor_contract_end <= $as_of + 365 THEN 5
      ELSE 0
    END AS competitive_position,
    last_engagement_date IS NOT NULL AS recency_seen,
    champion_identified IS NOT NULL AS champion_seen,
    exec_access IS NOT NULL AS executive_access_seen
  FROM typed
),
weighed AS (
  SELECT
    account_id, potential, exec_sponsor, competitor_incumbent,
    competitor_contract_end,
    72 * coalesce(industry_fit, 0) + 48 * coalesce(size_by_headcount, 0)
      + 48 * coalesce(size_by_revenue, 0) + 48 * coalesce(geography, 0)
      + 24 * coalesce(growth, 0) + 100 * coalesce(contract_value, 0)
      + 50 * coalesce(expansion, 0) + 25 * coalesce(partner, 0)
      + 25 * coalesce(reference, 0) + 40 * coalesce(web_visits, 0)
      + 40 * coalesce(content_downloads, 0) + 20 * coalesce(events, 0)
      + 60 * coalesce(intent, 0) + 40 * recency
      + 48 * coalesce(relationship, 0) + 32 * champion
      + 32 * executive_access + 48 * coalesce(competitive_position, 0)
      AS earned,
    -- Ten points times the weight of every criterion that scored.
    720 * (industry_fit IS NOT NULL)::INT
      + 480 * (size_by_headcount IS NOT NULL)::INT
      + 480 * (size_by_revenue IS NOT NULL)::INT
      + 480 * (geography IS NOT NULL)::INT + 240 * (growth IS NOT NULL)::INT
      + 1000 * (contract_value IS NOT NULL)::INT
      + 500 * (expansion IS NOT NULL)::INT + 250 * (partner IS NOT NULL)::INT
      + 250 * (reference IS NOT NULL)::INT
      + 400 * (web_visits IS NOT NULL)::INT
      + 400 * (content_downloads IS NOT NULL)::INT
      + 200 * (events IS NOT NULL)::INT + 600 * (intent IS NOT NULL)::INT
      + 400 + 480 * (relationship IS NOT NULL)::INT + 320 + 320
      + 480 * (competitive_position IS NOT NULL)::INT
      AS possible,
    possible - 400 * (NOT recency_seen)::INT - 320 * (NOT champion_seen)::INT
      - 320 * (NOT executive_access_seen)::INT AS observed
  FROM points
),
scored AS (
  SELECT
    account_id, potential, exec_sponsor, competitor_incumbent,
    competitor_contract_end,
    earned * 10000 // possible AS total_centi,
    observed * 10000 // 8000 AS completeness_centi
  FROM weighed
)
SELECT
  account_id,
  total_centi,
  potential,
  total_centi >= 7000 AND completeness_centi >= 6000
    AND coalesce(potential >= 500000, false)
    AND coalesce(exec_sponsor, false)
    AND NOT coalesce(
      competitor_incumbent AND competitor_contract_end > $as_of + 365, false
    ) AS tier_1_ok,
  total_centi >= 5000 AND completeness_centi >= 4000
    AND coalesce(potential >= 100000, false) AS tier_2_ok,
  total_centi >= 3000 AND completeness_centi >= 2500
    AND coalesce(potential >= 50000, false) AS tier_3_ok
FROM scored
"""

PLACE = """
WITH tier_1 AS (
  SELECT account_id FROM eligible
  WHERE tier_1_ok
  ORDER BY total_centi DESC, potential DESC, account_id
  LIMIT 15
),
tier_2 AS (
  SELECT account_id FROM eligible
  WHERE tier_2_ok AND account_id NOT IN (SELECT account_id FROM tier_1)
  ORDER BY total_centi DESC, potential DESC, account_id
  LIMIT 100
)
SELECT
  account_id,
  CASE
    WHEN account_id IN (SELECT account_id FROM tier_1) THEN 'tier_1'
    WHEN account_id IN (SELECT account_id FROM tier_2) THEN 'tier_2'
    WHEN tier_3_ok THEN 'tier_3'
    ELSE 'unassigned'
  END AS tier,
  total_centi AS total
FROM eligible
"""


def main() -> None:
    args = parse_args(__doc__ or "")
    connection = duckdb.connect()
    connection.execute(
        SCORE, {"as_of": args.dates.as_of, "accounts": str(args.accounts)}
    )
    out = "'" + str(args.out).replace("'", "''") + "'"
    connection.execute(f"COPY ({PLACE}) TO {out} (FORMAT parquet)")


if __name__ == "__main__":
    main()
