WITH "source" AS (
  SELECT
    CAST("account_id" AS TEXT) AS "account_id",
    CAST("name" AS TEXT) AS "name",
    CAST("domain" AS TEXT) AS "domain",
    LOWER(
      CASE
        WHEN ASCII(CAST("domain" AS TEXT)) BETWEEN 33 AND 126
        AND ASCII(RIGHT(CAST("domain" AS TEXT), 1)) BETWEEN 33 AND 126
        THEN CAST("domain" AS TEXT)
        ELSE TRIM(
          CAST("domain" AS TEXT),
          '                  　​‌‍⁠﻿' || CHR(9) || CHR(10) || CHR(11) || CHR(12) || CHR(13) || CHR(28) || CHR(29) || CHR(30) || CHR(31)
        )
      END
    ) AS "domain__key",
    CAST("parent_id" AS TEXT) AS "parent_id",
    LOWER(
      CASE
        WHEN ASCII(CAST("parent_id" AS TEXT)) BETWEEN 33 AND 126
        AND ASCII(RIGHT(CAST("parent_id" AS TEXT), 1)) BETWEEN 33 AND 126
        THEN CAST("parent_id" AS TEXT)
        ELSE TRIM(
          CAST("parent_id" AS TEXT),
          '                  　​‌‍⁠﻿' || CHR(9) || CHR(10) || CHR(11) || CHR(12) || CHR(13) || CHR(28) || CHR(29) || CHR(30) || CHR(31)
        )
      END
    ) AS "parent_id__key",
    CAST("industry" AS TEXT) AS "industry",
    LOWER(
      CASE
        WHEN ASCII(CAST("industry" AS TEXT)) BETWEEN 33 AND 126
        AND ASCII(RIGHT(CAST("industry" AS TEXT), 1)) BETWEEN 33 AND 126
        THEN CAST("industry" AS TEXT)
        ELSE TRIM(
          CAST("industry" AS TEXT),
          '                  　​‌‍⁠﻿' || CHR(9) || CHR(10) || CHR(11) || CHR(12) || CHR(13) || CHR(28) || CHR(29) || CHR(30) || CHR(31)
        )
      END
    ) AS "industry__key",
    CAST("country" AS TEXT) AS "country",
    LOWER(
      CASE
        WHEN ASCII(CAST("country" AS TEXT)) BETWEEN 33 AND 126
        AND ASCII(RIGHT(CAST("country" AS TEXT), 1)) BETWEEN 33 AND 126
        THEN CAST("country" AS TEXT)
        ELSE TRIM(
          CAST("country" AS TEXT),
          '                  　​‌‍⁠﻿' || CHR(9) || CHR(10) || CHR(11) || CHR(12) || CHR(13) || CHR(28) || CHR(29) || CHR(30) || CHR(31)
        )
      END
    ) AS "country__key",
    CAST("employees" AS DOUBLE) AS "employees",
    CAST("annual_revenue" AS DOUBLE) AS "annual_revenue",
    CAST("revenue_growth_pct" AS DOUBLE) AS "revenue_growth_pct",
    CAST("potential_acv" AS DOUBLE) IS NULL
    AND NOT COALESCE(
      CAST("potential_acv" AS DOUBLE),
      CAST(CASE
        WHEN "annual_revenue" > 0
        THEN CASE
          WHEN CASE
            WHEN (
              CAST(FLOOR(CAST("annual_revenue" AS DOUBLE)) AS BIGINT) * 1 // 2000
            ) IS NULL
            OR 10000 IS NULL
            THEN NULL
            ELSE GREATEST(CAST(FLOOR(CAST("annual_revenue" AS DOUBLE)) AS BIGINT) * 1 // 2000, 10000)
          END IS NULL
          OR 5000000 IS NULL
          THEN NULL
          ELSE LEAST(
            CASE
              WHEN (
                CAST(FLOOR(CAST("annual_revenue" AS DOUBLE)) AS BIGINT) * 1 // 2000
              ) IS NULL
              OR 10000 IS NULL
              THEN NULL
              ELSE GREATEST(CAST(FLOOR(CAST("annual_revenue" AS DOUBLE)) AS BIGINT) * 1 // 2000, 10000)
            END,
            5000000
          )
        END
      END AS DOUBLE)
    ) IS NULL AS "potential_estimated",
    COALESCE(
      CAST("potential_acv" AS DOUBLE),
      CAST(CASE
        WHEN "annual_revenue" > 0
        THEN CASE
          WHEN CASE
            WHEN (
              CAST(FLOOR(CAST("annual_revenue" AS DOUBLE)) AS BIGINT) * 1 // 2000
            ) IS NULL
            OR 10000 IS NULL
            THEN NULL
            ELSE GREATEST(CAST(FLOOR(CAST("annual_revenue" AS DOUBLE)) AS BIGINT) * 1 // 2000, 10000)
          END IS NULL
          OR 5000000 IS NULL
          THEN NULL
          ELSE LEAST(
            CASE
              WHEN (
                CAST(FLOOR(CAST("annual_revenue" AS DOUBLE)) AS BIGINT) * 1 // 2000
              ) IS NULL
              OR 10000 IS NULL
              THEN NULL
              ELSE GREATEST(CAST(FLOOR(CAST("annual_revenue" AS DOUBLE)) AS BIGINT) * 1 // 2000, 10000)
            END,
            5000000
          )
        END
      END AS DOUBLE)
    ) AS "potential_acv",
    CAST("expansion_units" AS DOUBLE) AS "expansion_units",
    CAST("partner_value" AS BOOLEAN) AS "partner_value",
    CAST("reference_value" AS TEXT) AS "reference_value",
    LOWER(
      CASE
        WHEN ASCII(CAST("reference_value" AS TEXT)) BETWEEN 33 AND 126
        AND ASCII(RIGHT(CAST("reference_value" AS TEXT), 1)) BETWEEN 33 AND 126
        THEN CAST("reference_value" AS TEXT)
        ELSE TRIM(
          CAST("reference_value" AS TEXT),
          '                  　​‌‍⁠﻿' || CHR(9) || CHR(10) || CHR(11) || CHR(12) || CHR(13) || CHR(28) || CHR(29) || CHR(30) || CHR(31)
        )
      END
    ) AS "reference_value__key",
    CAST("web_visits_30d" AS DOUBLE) AS "web_visits_30d",
    CAST("content_downloads_90d" AS DOUBLE) AS "content_downloads_90d",
    CAST("events_attended_180d" AS DOUBLE) AS "events_attended_180d",
    CAST("intent_score" AS DOUBLE) AS "intent_score",
    CAST("last_engagement_date" AS DATE) AS "last_engagement_date",
    CAST("relationship_strength" AS TEXT) AS "relationship_strength",
    LOWER(
      CASE
        WHEN ASCII(CAST("relationship_strength" AS TEXT)) BETWEEN 33 AND 126
        AND ASCII(RIGHT(CAST("relationship_strength" AS TEXT), 1)) BETWEEN 33 AND 126
        THEN CAST("relationship_strength" AS TEXT)
        ELSE TRIM(
          CAST("relationship_strength" AS TEXT),
          '                  　​‌‍⁠﻿' || CHR(9) || CHR(10) || CHR(11) || CHR(12) || CHR(13) || CHR(28) || CHR(29) || CHR(30) || CHR(31)
        )
      END
    ) AS "relationship_strength__key",
    CAST("champion_identified" AS BOOLEAN) AS "champion_identified",
    CAST("exec_sponsor" AS BOOLEAN) AS "exec_sponsor",
    CAST("exec_access" AS BOOLEAN) AS "exec_access",
    CAST("competitor_incumbent" AS BOOLEAN) AS "competitor_incumbent",
    CAST("competitor_contract_end" AS DATE) AS "competitor_contract_end",
    CAST(NULL AS DOUBLE) AS "engagement_decayed",
    CAST(NULL AS DOUBLE) AS "engagement_vs_baseline",
    CAST(NULL AS DOUBLE) AS "buying_group_coverage_pct",
    CAST(NULL AS DOUBLE) AS "contact_engagement",
    CAST(NULL AS DATE) AS "last_funding_date",
    CAST(NULL AS BOOLEAN) AS "funding_round_180d",
    CAST(NULL AS DOUBLE) AS "job_postings_90d"
  FROM "accounts"
), "points" AS (
  SELECT
    *,
    CASE
      WHEN NOT NOT "industry" IS NULL
      THEN NULL
      WHEN "industry__key" IN (
        'banking',
        'business services',
        'consulting',
        'electronics',
        'finance',
        'financials',
        'insurance',
        'software',
        'technology',
        'telecommunications'
      )
      THEN 10
      WHEN "industry__key" IN (
        'biotechnology',
        'energy',
        'entertainment',
        'health care',
        'healthcare',
        'industrials',
        'manufacturing',
        'marketing',
        'media',
        'medical',
        'retail',
        'retailing',
        'services',
        'transportation',
        'wholesalers'
      )
      THEN 5
      ELSE 0
    END AS "pts_industry_fit",
    NOT "industry" IS NULL AS "obs_industry_fit",
    CASE
      WHEN NOT NOT "employees" IS NULL
      THEN NULL
      WHEN "employees" >= 5000
      THEN 10
      WHEN "employees" >= 1000
      THEN 8
      WHEN "employees" >= 200
      THEN 6
      WHEN "employees" >= 50
      THEN 3
      ELSE 0
    END AS "pts_size_by_headcount",
    NOT "employees" IS NULL AS "obs_size_by_headcount",
    CASE
      WHEN NOT NOT "annual_revenue" IS NULL
      THEN NULL
      WHEN "annual_revenue" >= 1000000000
      THEN 10
      WHEN "annual_revenue" >= 250000000
      THEN 8
      WHEN "annual_revenue" >= 50000000
      THEN 6
      WHEN "annual_revenue" >= 10000000
      THEN 3
      ELSE 0
    END AS "pts_size_by_revenue",
    NOT "annual_revenue" IS NULL AS "obs_size_by_revenue",
    CASE
      WHEN NOT NOT "country" IS NULL
      THEN NULL
      WHEN "country__key" IN (
        'de',
        'fr',
        'france',
        'gb',
        'germany',
        'netherlands',
        'nl',
        'uk',
        'united kingdom',
        'united states',
        'us',
        'usa'
      )
      THEN 10
      WHEN "country__key" IN (
        'at',
        'au',
        'australia',
        'austria',
        'be',
        'belgium',
        'ca',
        'canada',
        'ch',
        'denmark',
        'dk',
        'es',
        'fi',
        'finland',
        'ie',
        'ireland',
        'it',
        'italy',
        'lu',
        'luxembourg',
        'no',
        'norway',
        'se',
        'spain',
        'sweden',
        'switzerland'
      )
      THEN 5
      ELSE 0
    END AS "pts_geography",
    NOT "country" IS NULL AS "obs_geography",
    CASE
      WHEN NOT NOT "revenue_growth_pct" IS NULL
      THEN NULL
      WHEN "revenue_growth_pct" >= 25
      THEN 10
      WHEN "revenue_growth_pct" >= 10
      THEN 7
      WHEN "revenue_growth_pct" >= 0
      THEN 4
      ELSE 0
    END AS "pts_growth",
    NOT "revenue_growth_pct" IS NULL AS "obs_growth",
    CASE
      WHEN NOT NOT "potential_acv" IS NULL
      THEN NULL
      WHEN "potential_acv" >= 500000
      THEN 10
      WHEN "potential_acv" >= 250000
      THEN 7
      WHEN "potential_acv" >= 100000
      THEN 5
      WHEN "potential_acv" >= 50000
      THEN 3
      ELSE 0
    END AS "pts_contract_value",
    NOT "potential_acv" IS NULL AS "obs_contract_value",
    CASE
      WHEN NOT NOT "expansion_units" IS NULL
      THEN NULL
      WHEN "expansion_units" >= 4
      THEN 10
      WHEN "expansion_units" >= 2
      THEN 5
      ELSE 0
    END AS "pts_expansion",
    NOT "expansion_units" IS NULL AS "obs_expansion",
    CASE
      WHEN NOT NOT "partner_value" IS NULL
      THEN NULL
      WHEN "partner_value" = TRUE
      THEN 10
      ELSE 0
    END AS "pts_partner",
    NOT "partner_value" IS NULL AS "obs_partner",
    CASE
      WHEN NOT NOT "reference_value" IS NULL
      THEN NULL
      WHEN "reference_value__key" = 'flagship'
      THEN 10
      WHEN "reference_value__key" = 'known'
      THEN 5
      WHEN "reference_value__key" = 'none'
      THEN 0
      ELSE 0
    END AS "pts_reference",
    NOT "reference_value" IS NULL AS "obs_reference",
    CASE
      WHEN NOT NOT "web_visits_30d" IS NULL
      THEN NULL
      WHEN "web_visits_30d" >= 50
      THEN 10
      WHEN "web_visits_30d" >= 10
      THEN 6
      WHEN "web_visits_30d" >= 1
      THEN 3
      ELSE 0
    END AS "pts_web_visits",
    NOT "web_visits_30d" IS NULL AS "obs_web_visits",
    CASE
      WHEN NOT NOT "content_downloads_90d" IS NULL
      THEN NULL
      WHEN "content_downloads_90d" >= 3
      THEN 10
      WHEN "content_downloads_90d" >= 1
      THEN 5
      ELSE 0
    END AS "pts_content_downloads",
    NOT "content_downloads_90d" IS NULL AS "obs_content_downloads",
    CASE
      WHEN NOT NOT "events_attended_180d" IS NULL
      THEN NULL
      WHEN "events_attended_180d" >= 2
      THEN 10
      WHEN "events_attended_180d" >= 1
      THEN 6
      ELSE 0
    END AS "pts_events",
    NOT "events_attended_180d" IS NULL AS "obs_events",
    CASE
      WHEN NOT NOT "intent_score" IS NULL
      THEN NULL
      WHEN "intent_score" >= 80
      THEN 10
      WHEN "intent_score" >= 60
      THEN 7
      WHEN "intent_score" >= 40
      THEN 4
      ELSE 0
    END AS "pts_intent",
    NOT "intent_score" IS NULL AS "obs_intent",
    CASE
      WHEN NOT (
        NOT "last_engagement_date" IS NULL
        AND "last_engagement_date" <= CAST('2026-09-30' AS DATE)
      )
      THEN 0
      WHEN "last_engagement_date" >= CAST('2026-09-16' AS DATE)
      THEN 10
      WHEN "last_engagement_date" >= CAST('2026-08-16' AS DATE)
      THEN 6
      WHEN "last_engagement_date" >= CAST('2026-07-02' AS DATE)
      THEN 3
      ELSE 0
    END AS "pts_recency",
    NOT "last_engagement_date" IS NULL
    AND "last_engagement_date" <= CAST('2026-09-30' AS DATE) AS "obs_recency",
    CASE
      WHEN NOT NOT "relationship_strength" IS NULL
      THEN NULL
      WHEN "relationship_strength__key" = 'strong'
      THEN 10
      WHEN "relationship_strength__key" = 'some'
      THEN 5
      WHEN "relationship_strength__key" = 'none'
      THEN 0
      ELSE 0
    END AS "pts_relationship",
    NOT "relationship_strength" IS NULL AS "obs_relationship",
    CASE
      WHEN NOT NOT "champion_identified" IS NULL
      THEN 0
      WHEN "champion_identified" = TRUE
      THEN 10
      ELSE 0
    END AS "pts_champion",
    NOT "champion_identified" IS NULL AS "obs_champion",
    CASE
      WHEN NOT NOT "exec_access" IS NULL
      THEN 0
      WHEN "exec_access" = TRUE
      THEN 10
      ELSE 0
    END AS "pts_executive_access",
    NOT "exec_access" IS NULL AS "obs_executive_access",
    CASE
      WHEN NOT NOT "competitor_incumbent" IS NULL
      THEN NULL
      WHEN COALESCE("competitor_incumbent" = FALSE, FALSE)
      THEN 10
      WHEN COALESCE("competitor_contract_end" <= CAST('2027-09-30' AS DATE), FALSE)
      THEN 5
      ELSE 0
    END AS "pts_competitive_position",
    NOT "competitor_incumbent" IS NULL AS "obs_competitive_position"
  FROM "source"
), "weighed" AS (
  SELECT
    *,
    (
      3 * COALESCE("pts_industry_fit", 0) + 2 * COALESCE("pts_size_by_headcount", 0) + 2 * COALESCE("pts_size_by_revenue", 0) + 2 * COALESCE("pts_geography", 0) + 1 * COALESCE("pts_growth", 0)
    ) AS "fit_earned",
    (
      30 * CAST(NOT "pts_industry_fit" IS NULL AS INT) + 20 * CAST(NOT "pts_size_by_headcount" IS NULL AS INT) + 20 * CAST(NOT "pts_size_by_revenue" IS NULL AS INT) + 20 * CAST(NOT "pts_geography" IS NULL AS INT) + 10 * CAST(NOT "pts_growth" IS NULL AS INT)
    ) AS "fit_possible",
    (
      4 * COALESCE("pts_contract_value", 0) + 2 * COALESCE("pts_expansion", 0) + 1 * COALESCE("pts_partner", 0) + 1 * COALESCE("pts_reference", 0)
    ) AS "strategic_earned",
    (
      40 * CAST(NOT "pts_contract_value" IS NULL AS INT) + 20 * CAST(NOT "pts_expansion" IS NULL AS INT) + 10 * CAST(NOT "pts_partner" IS NULL AS INT) + 10 * CAST(NOT "pts_reference" IS NULL AS INT)
    ) AS "strategic_possible",
    (
      2 * COALESCE("pts_web_visits", 0) + 2 * COALESCE("pts_content_downloads", 0) + 1 * COALESCE("pts_events", 0) + 3 * COALESCE("pts_intent", 0) + 2 * COALESCE("pts_recency", 0)
    ) AS "engagement_earned",
    (
      20 * CAST(NOT "pts_web_visits" IS NULL AS INT) + 20 * CAST(NOT "pts_content_downloads" IS NULL AS INT) + 10 * CAST(NOT "pts_events" IS NULL AS INT) + 30 * CAST(NOT "pts_intent" IS NULL AS INT) + 20 * CAST(NOT "pts_recency" IS NULL AS INT)
    ) AS "engagement_possible",
    (
      3 * COALESCE("pts_relationship", 0) + 2 * COALESCE("pts_champion", 0) + 2 * COALESCE("pts_executive_access", 0) + 3 * COALESCE("pts_competitive_position", 0)
    ) AS "accessibility_earned",
    (
      30 * CAST(NOT "pts_relationship" IS NULL AS INT) + 20 * CAST(NOT "pts_champion" IS NULL AS INT) + 20 * CAST(NOT "pts_executive_access" IS NULL AS INT) + 30 * CAST(NOT "pts_competitive_position" IS NULL AS INT)
    ) AS "accessibility_possible"
  FROM "points"
), "scored" AS (
  SELECT
    *,
    CASE
      WHEN "fit_possible" > 0
      THEN CAST("fit_earned" * 10000 // "fit_possible" AS INT)
    END AS "fit_centi",
    CASE
      WHEN "strategic_possible" > 0
      THEN CAST("strategic_earned" * 10000 // "strategic_possible" AS INT)
    END AS "strategic_centi",
    CASE
      WHEN "engagement_possible" > 0
      THEN CAST("engagement_earned" * 10000 // "engagement_possible" AS INT)
    END AS "engagement_centi",
    CASE
      WHEN "accessibility_possible" > 0
      THEN CAST("accessibility_earned" * 10000 // "accessibility_possible" AS INT)
    END AS "accessibility_centi",
    CASE
      WHEN (
        24 * "fit_possible" + 25 * "strategic_possible" + 20 * "engagement_possible" + 16 * "accessibility_possible"
      ) > 0
      THEN CAST((
        24 * "fit_earned" + 25 * "strategic_earned" + 20 * "engagement_earned" + 16 * "accessibility_earned"
      ) * 10000 // (
        24 * "fit_possible" + 25 * "strategic_possible" + 20 * "engagement_possible" + 16 * "accessibility_possible"
      ) AS INT)
    END AS "total_centi",
    CASE
      WHEN 8000 > 0
      THEN CAST((
        720 * CAST("obs_industry_fit" AS INT) + 480 * CAST("obs_size_by_headcount" AS INT) + 480 * CAST("obs_size_by_revenue" AS INT) + 480 * CAST("obs_geography" AS INT) + 240 * CAST("obs_growth" AS INT) + 1000 * CAST("obs_contract_value" AS INT) + 500 * CAST("obs_expansion" AS INT) + 250 * CAST("obs_partner" AS INT) + 250 * CAST("obs_reference" AS INT) + 400 * CAST("obs_web_visits" AS INT) + 400 * CAST("obs_content_downloads" AS INT) + 200 * CAST("obs_events" AS INT) + 600 * CAST("obs_intent" AS INT) + 400 * CAST("obs_recency" AS INT) + 480 * CAST("obs_relationship" AS INT) + 320 * CAST("obs_champion" AS INT) + 320 * CAST("obs_executive_access" AS INT) + 480 * CAST("obs_competitive_position" AS INT)
      ) * 10000 // 8000 AS INT)
    END AS "completeness_centi"
  FROM "weighed"
), "gated" AS (
  SELECT
    *,
    CAST(NULL AS INT) AS "pinned",
    CASE
      WHEN COALESCE(
        (
          "competitor_incumbent" = TRUE
          AND "competitor_contract_end" > CAST('2027-09-30' AS DATE)
        ),
        FALSE
      )
      THEN 1
      ELSE CAST(NULL AS INT)
    END AS "disqualified_0",
    CASE
      WHEN NOT COALESCE("exec_sponsor" = TRUE, FALSE)
      THEN 1
      ELSE CAST(NULL AS INT)
    END AS "lacking_0",
    FALSE AS "included_0",
    COALESCE("total_centi" >= 7000 AND "potential_acv" >= 500000, FALSE) AS "score_ok_0",
    COALESCE("completeness_centi", 0) >= 6000 AS "coverage_ok_0",
    CAST(NULL AS INT) AS "disqualified_1",
    CAST(NULL AS INT) AS "lacking_1",
    FALSE AS "included_1",
    COALESCE("total_centi" >= 5000 AND "potential_acv" >= 100000, FALSE) AS "score_ok_1",
    COALESCE("completeness_centi", 0) >= 4000 AS "coverage_ok_1",
    CAST(NULL AS INT) AS "disqualified_2",
    CAST(NULL AS INT) AS "lacking_2",
    FALSE AS "included_2",
    COALESCE("total_centi" >= 3000 AND "potential_acv" >= 50000, FALSE) AS "score_ok_2",
    COALESCE("completeness_centi", 0) >= 2500 AS "coverage_ok_2"
  FROM "scored"
), "eligible" AS MATERIALIZED (
  SELECT
    "account_id",
    "name",
    "potential_acv",
    "potential_estimated",
    "total_centi",
    "completeness_centi",
    "fit_centi",
    "strategic_centi",
    "engagement_centi",
    "accessibility_centi",
    "disqualified_0",
    "lacking_0",
    "score_ok_0",
    "coverage_ok_0",
    "score_ok_1",
    "coverage_ok_1",
    "score_ok_2",
    "coverage_ok_2",
    "disqualified_0" IS NULL
    AND (
      "lacking_0" IS NULL AND "score_ok_0" AND "coverage_ok_0"
    ) AS "eligible_0",
    "score_ok_1" AND "coverage_ok_1" AS "eligible_1",
    "score_ok_2" AND "coverage_ok_2" AS "eligible_2"
  FROM "gated"
), "fill_0" AS (
  SELECT
    "account_id"
  FROM "eligible"
  WHERE
    "eligible_0" AND NOT (
      FALSE
    )
  ORDER BY
    "total_centi" DESC,
    "potential_acv" DESC,
    "account_id" ASC
  LIMIT 15
), "queue_0" AS (
  SELECT
    "account_id",
    15 + ROW_NUMBER() OVER (ORDER BY "total_centi" DESC, "potential_acv" DESC, "account_id" ASC) AS "cap_rank"
  FROM "eligible"
  WHERE
    (
      "eligible_0" AND NOT (
        FALSE
      )
    )
    AND NOT "account_id" IN (
      SELECT
        "account_id"
      FROM "fill_0"
    )
), "fill_1" AS (
  SELECT
    "account_id"
  FROM "eligible"
  WHERE
    "eligible_1"
    AND NOT (
      "account_id" IN (
        SELECT
          "account_id"
        FROM "fill_0"
      )
    )
  ORDER BY
    "total_centi" DESC,
    "potential_acv" DESC,
    "account_id" ASC
  LIMIT 100
), "queue_1" AS (
  SELECT
    "account_id",
    100 + ROW_NUMBER() OVER (ORDER BY "total_centi" DESC, "potential_acv" DESC, "account_id" ASC) AS "cap_rank"
  FROM "eligible"
  WHERE
    (
      "eligible_1"
      AND NOT (
        "account_id" IN (
          SELECT
            "account_id"
          FROM "fill_0"
        )
      )
    )
    AND NOT "account_id" IN (
      SELECT
        "account_id"
      FROM "fill_1"
    )
), "joined" AS NOT MATERIALIZED (
  SELECT
    "eligible".*,
    NOT "fill_0"."account_id" IS NULL AS "in_0",
    "queue_0"."cap_rank" AS "over_0",
    NOT "fill_1"."account_id" IS NULL AS "in_1",
    "queue_1"."cap_rank" AS "over_1"
  FROM "eligible"
  LEFT JOIN "fill_0"
    ON "eligible"."account_id" = "fill_0"."account_id"
  LEFT JOIN "queue_0"
    ON "eligible"."account_id" = "queue_0"."account_id"
  LEFT JOIN "fill_1"
    ON "eligible"."account_id" = "fill_1"."account_id"
  LEFT JOIN "queue_1"
    ON "eligible"."account_id" = "queue_1"."account_id"
  WHERE
    COALESCE("eligible_0" OR "eligible_1", FALSE)
), "placed" AS NOT MATERIALIZED (
  SELECT
    *,
    CASE
      WHEN COALESCE("in_0", FALSE)
      THEN 'tier_1'
      WHEN COALESCE("in_1", FALSE)
      THEN 'tier_2'
      WHEN "eligible_2" AND NOT (
        COALESCE("in_0", FALSE) OR COALESCE("in_1", FALSE)
      )
      THEN 'tier_3'
      ELSE 'unassigned'
    END AS "tier",
    CASE
      WHEN COALESCE("in_0", FALSE)
      THEN 'tier_1'
      WHEN COALESCE("in_1", FALSE)
      THEN 'tier_2'
      WHEN "eligible_2" AND NOT (
        COALESCE("in_0", FALSE) OR COALESCE("in_1", FALSE)
      )
      THEN 'tier_3'
      ELSE 'unassigned'
    END AS "computed_tier",
    CASE
      WHEN COALESCE("in_0", FALSE)
      THEN 'met'
      WHEN COALESCE("in_1", FALSE)
      THEN COALESCE(
        CASE
          WHEN NOT "disqualified_0" IS NULL
          AND (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN CASE
            WHEN "disqualified_0" = 1
            THEN 'disqualified:entrenched_competitor'
            ELSE CAST(NULL AS TEXT)
          END
          WHEN NOT "lacking_0" IS NULL
          AND (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN CASE
            WHEN "lacking_0" = 1
            THEN 'missing_must_have:exec_sponsor'
            ELSE CAST(NULL AS TEXT)
          END
          WHEN (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          AND (
            NOT COALESCE("coverage_ok_0", FALSE)
            OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN 'insufficient_data'
          WHEN "eligible_0"
          THEN 'capped'
          ELSE CAST(NULL AS TEXT)
        END,
        'met'
      )
      WHEN "eligible_2" AND NOT (
        COALESCE("in_0", FALSE) OR COALESCE("in_1", FALSE)
      )
      THEN COALESCE(
        CASE
          WHEN (
            "score_ok_1" OR (
              "total_centi" >= 5000 AND "potential_acv" IS NULL
            )
          )
          AND (
            NOT COALESCE("coverage_ok_1", FALSE)
            OR (
              "total_centi" >= 5000 AND "potential_acv" IS NULL
            )
          )
          THEN 'insufficient_data'
          WHEN "eligible_1"
          THEN 'capped'
          ELSE CAST(NULL AS TEXT)
        END,
        CASE
          WHEN NOT "disqualified_0" IS NULL
          AND (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN CASE
            WHEN "disqualified_0" = 1
            THEN 'disqualified:entrenched_competitor'
            ELSE CAST(NULL AS TEXT)
          END
          WHEN NOT "lacking_0" IS NULL
          AND (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN CASE
            WHEN "lacking_0" = 1
            THEN 'missing_must_have:exec_sponsor'
            ELSE CAST(NULL AS TEXT)
          END
          WHEN (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          AND (
            NOT COALESCE("coverage_ok_0", FALSE)
            OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN 'insufficient_data'
          WHEN "eligible_0"
          THEN 'capped'
          ELSE CAST(NULL AS TEXT)
        END,
        'met'
      )
      WHEN COALESCE("completeness_centi", 0) < 2500
      THEN 'insufficient_data'
      ELSE COALESCE(
        CASE
          WHEN (
            "score_ok_2" OR (
              "total_centi" >= 3000 AND "potential_acv" IS NULL
            )
          )
          AND (
            NOT COALESCE("coverage_ok_2", FALSE)
            OR (
              "total_centi" >= 3000 AND "potential_acv" IS NULL
            )
          )
          THEN 'insufficient_data'
          ELSE CAST(NULL AS TEXT)
        END,
        CASE
          WHEN (
            "score_ok_1" OR (
              "total_centi" >= 5000 AND "potential_acv" IS NULL
            )
          )
          AND (
            NOT COALESCE("coverage_ok_1", FALSE)
            OR (
              "total_centi" >= 5000 AND "potential_acv" IS NULL
            )
          )
          THEN 'insufficient_data'
          WHEN "eligible_1"
          THEN 'capped'
          ELSE CAST(NULL AS TEXT)
        END,
        CASE
          WHEN NOT "disqualified_0" IS NULL
          AND (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN CASE
            WHEN "disqualified_0" = 1
            THEN 'disqualified:entrenched_competitor'
            ELSE CAST(NULL AS TEXT)
          END
          WHEN NOT "lacking_0" IS NULL
          AND (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN CASE
            WHEN "lacking_0" = 1
            THEN 'missing_must_have:exec_sponsor'
            ELSE CAST(NULL AS TEXT)
          END
          WHEN (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          AND (
            NOT COALESCE("coverage_ok_0", FALSE)
            OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN 'insufficient_data'
          WHEN "eligible_0"
          THEN 'capped'
          ELSE CAST(NULL AS TEXT)
        END,
        'below_threshold'
      )
    END AS "reason",
    CASE
      WHEN COALESCE("in_1", FALSE) AND NOT "over_0" IS NULL
      THEN "over_0"
      WHEN (
        "eligible_2" AND NOT (
          COALESCE("in_0", FALSE) OR COALESCE("in_1", FALSE)
        )
      )
      AND NOT "over_1" IS NULL
      THEN "over_1"
      WHEN (
        "eligible_2" AND NOT (
          COALESCE("in_0", FALSE) OR COALESCE("in_1", FALSE)
        )
      )
      AND NOT "over_0" IS NULL
      THEN "over_0"
      WHEN NOT "over_1" IS NULL
      THEN "over_1"
      WHEN NOT "over_0" IS NULL
      THEN "over_0"
    END AS "cap_rank",
    CASE
      WHEN COALESCE("in_1", FALSE) AND NOT "over_0" IS NULL
      THEN 'tier_1'
      WHEN (
        "eligible_2" AND NOT (
          COALESCE("in_0", FALSE) OR COALESCE("in_1", FALSE)
        )
      )
      AND NOT "over_1" IS NULL
      THEN 'tier_2'
      WHEN (
        "eligible_2" AND NOT (
          COALESCE("in_0", FALSE) OR COALESCE("in_1", FALSE)
        )
      )
      AND NOT "over_0" IS NULL
      THEN 'tier_1'
      WHEN NOT "over_1" IS NULL
      THEN 'tier_2'
      WHEN NOT "over_0" IS NULL
      THEN 'tier_1'
      ELSE CAST(NULL AS TEXT)
    END AS "capped_from",
    FALSE AS "included"
  FROM "joined"
  UNION ALL
  SELECT
    "eligible".*,
    FALSE AS "in_0",
    CAST(NULL AS BIGINT) AS "over_0",
    FALSE AS "in_1",
    CAST(NULL AS BIGINT) AS "over_1",
    CASE
      WHEN COALESCE(FALSE, FALSE)
      THEN 'tier_1'
      WHEN COALESCE(FALSE, FALSE)
      THEN 'tier_2'
      WHEN "eligible_2" AND NOT (
        COALESCE(FALSE, FALSE) OR COALESCE(FALSE, FALSE)
      )
      THEN 'tier_3'
      ELSE 'unassigned'
    END AS "tier",
    CASE
      WHEN COALESCE(FALSE, FALSE)
      THEN 'tier_1'
      WHEN COALESCE(FALSE, FALSE)
      THEN 'tier_2'
      WHEN "eligible_2" AND NOT (
        COALESCE(FALSE, FALSE) OR COALESCE(FALSE, FALSE)
      )
      THEN 'tier_3'
      ELSE 'unassigned'
    END AS "computed_tier",
    CASE
      WHEN COALESCE(FALSE, FALSE)
      THEN 'met'
      WHEN COALESCE(FALSE, FALSE)
      THEN COALESCE(
        CASE
          WHEN NOT "disqualified_0" IS NULL
          AND (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN CASE
            WHEN "disqualified_0" = 1
            THEN 'disqualified:entrenched_competitor'
            ELSE CAST(NULL AS TEXT)
          END
          WHEN NOT "lacking_0" IS NULL
          AND (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN CASE
            WHEN "lacking_0" = 1
            THEN 'missing_must_have:exec_sponsor'
            ELSE CAST(NULL AS TEXT)
          END
          WHEN (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          AND (
            NOT COALESCE("coverage_ok_0", FALSE)
            OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN 'insufficient_data'
          WHEN "eligible_0"
          THEN 'capped'
          ELSE CAST(NULL AS TEXT)
        END,
        'met'
      )
      WHEN "eligible_2" AND NOT (
        COALESCE(FALSE, FALSE) OR COALESCE(FALSE, FALSE)
      )
      THEN COALESCE(
        CASE
          WHEN (
            "score_ok_1" OR (
              "total_centi" >= 5000 AND "potential_acv" IS NULL
            )
          )
          AND (
            NOT COALESCE("coverage_ok_1", FALSE)
            OR (
              "total_centi" >= 5000 AND "potential_acv" IS NULL
            )
          )
          THEN 'insufficient_data'
          WHEN "eligible_1"
          THEN 'capped'
          ELSE CAST(NULL AS TEXT)
        END,
        CASE
          WHEN NOT "disqualified_0" IS NULL
          AND (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN CASE
            WHEN "disqualified_0" = 1
            THEN 'disqualified:entrenched_competitor'
            ELSE CAST(NULL AS TEXT)
          END
          WHEN NOT "lacking_0" IS NULL
          AND (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN CASE
            WHEN "lacking_0" = 1
            THEN 'missing_must_have:exec_sponsor'
            ELSE CAST(NULL AS TEXT)
          END
          WHEN (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          AND (
            NOT COALESCE("coverage_ok_0", FALSE)
            OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN 'insufficient_data'
          WHEN "eligible_0"
          THEN 'capped'
          ELSE CAST(NULL AS TEXT)
        END,
        'met'
      )
      WHEN COALESCE("completeness_centi", 0) < 2500
      THEN 'insufficient_data'
      ELSE COALESCE(
        CASE
          WHEN (
            "score_ok_2" OR (
              "total_centi" >= 3000 AND "potential_acv" IS NULL
            )
          )
          AND (
            NOT COALESCE("coverage_ok_2", FALSE)
            OR (
              "total_centi" >= 3000 AND "potential_acv" IS NULL
            )
          )
          THEN 'insufficient_data'
          ELSE CAST(NULL AS TEXT)
        END,
        CASE
          WHEN (
            "score_ok_1" OR (
              "total_centi" >= 5000 AND "potential_acv" IS NULL
            )
          )
          AND (
            NOT COALESCE("coverage_ok_1", FALSE)
            OR (
              "total_centi" >= 5000 AND "potential_acv" IS NULL
            )
          )
          THEN 'insufficient_data'
          WHEN "eligible_1"
          THEN 'capped'
          ELSE CAST(NULL AS TEXT)
        END,
        CASE
          WHEN NOT "disqualified_0" IS NULL
          AND (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN CASE
            WHEN "disqualified_0" = 1
            THEN 'disqualified:entrenched_competitor'
            ELSE CAST(NULL AS TEXT)
          END
          WHEN NOT "lacking_0" IS NULL
          AND (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN CASE
            WHEN "lacking_0" = 1
            THEN 'missing_must_have:exec_sponsor'
            ELSE CAST(NULL AS TEXT)
          END
          WHEN (
            "score_ok_0" OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          AND (
            NOT COALESCE("coverage_ok_0", FALSE)
            OR (
              "total_centi" >= 7000 AND "potential_acv" IS NULL
            )
          )
          THEN 'insufficient_data'
          WHEN "eligible_0"
          THEN 'capped'
          ELSE CAST(NULL AS TEXT)
        END,
        'below_threshold'
      )
    END AS "reason",
    CASE
      WHEN COALESCE(FALSE, FALSE) AND NOT CAST(NULL AS BIGINT) IS NULL
      THEN CAST(NULL AS BIGINT)
      WHEN (
        "eligible_2" AND NOT (
          COALESCE(FALSE, FALSE) OR COALESCE(FALSE, FALSE)
        )
      )
      AND NOT CAST(NULL AS BIGINT) IS NULL
      THEN CAST(NULL AS BIGINT)
      WHEN (
        "eligible_2" AND NOT (
          COALESCE(FALSE, FALSE) OR COALESCE(FALSE, FALSE)
        )
      )
      AND NOT CAST(NULL AS BIGINT) IS NULL
      THEN CAST(NULL AS BIGINT)
      WHEN NOT CAST(NULL AS BIGINT) IS NULL
      THEN CAST(NULL AS BIGINT)
      WHEN NOT CAST(NULL AS BIGINT) IS NULL
      THEN CAST(NULL AS BIGINT)
    END AS "cap_rank",
    CASE
      WHEN COALESCE(FALSE, FALSE) AND NOT CAST(NULL AS BIGINT) IS NULL
      THEN 'tier_1'
      WHEN (
        "eligible_2" AND NOT (
          COALESCE(FALSE, FALSE) OR COALESCE(FALSE, FALSE)
        )
      )
      AND NOT CAST(NULL AS BIGINT) IS NULL
      THEN 'tier_2'
      WHEN (
        "eligible_2" AND NOT (
          COALESCE(FALSE, FALSE) OR COALESCE(FALSE, FALSE)
        )
      )
      AND NOT CAST(NULL AS BIGINT) IS NULL
      THEN 'tier_1'
      WHEN NOT CAST(NULL AS BIGINT) IS NULL
      THEN 'tier_2'
      WHEN NOT CAST(NULL AS BIGINT) IS NULL
      THEN 'tier_1'
      ELSE CAST(NULL AS TEXT)
    END AS "capped_from",
    FALSE AS "included"
  FROM "eligible"
  WHERE
    NOT COALESCE("eligible_0" OR "eligible_1", FALSE)
)
SELECT
  "account_id",
  "name",
  "tier",
  CASE
    WHEN "tier" = 'tier_1'
    THEN 'Strategic'
    WHEN "tier" = 'tier_2'
    THEN 'Focus'
    WHEN "tier" = 'tier_3'
    THEN 'Programmatic'
    ELSE 'Unassigned'
  END AS "tier_name",
  CAST("total_centi" AS DOUBLE) / 100 AS "total",
  CAST("fit_centi" AS DOUBLE) / 100 AS "fit_score",
  CAST("strategic_centi" AS DOUBLE) / 100 AS "strategic_score",
  CAST("engagement_centi" AS DOUBLE) / 100 AS "engagement_score",
  CAST("accessibility_centi" AS DOUBLE) / 100 AS "accessibility_score",
  "reason",
  ROW_NUMBER() OVER (
    PARTITION BY "tier"
    ORDER BY "included" DESC, "total_centi" DESC, "potential_acv" DESC, "account_id" ASC
  ) AS "rank",
  "cap_rank",
  "capped_from",
  CAST("completeness_centi" AS DOUBLE) / 100 AS "completeness",
  "potential_acv" AS "potential",
  "potential_estimated",
  "computed_tier"
FROM "placed"
WHERE
  NOT "tier" = 'unassigned'
UNION ALL
SELECT
  "account_id",
  "name",
  "tier",
  CASE
    WHEN "tier" = 'tier_1'
    THEN 'Strategic'
    WHEN "tier" = 'tier_2'
    THEN 'Focus'
    WHEN "tier" = 'tier_3'
    THEN 'Programmatic'
    ELSE 'Unassigned'
  END AS "tier_name",
  CAST("total_centi" AS DOUBLE) / 100 AS "total",
  CAST("fit_centi" AS DOUBLE) / 100 AS "fit_score",
  CAST("strategic_centi" AS DOUBLE) / 100 AS "strategic_score",
  CAST("engagement_centi" AS DOUBLE) / 100 AS "engagement_score",
  CAST("accessibility_centi" AS DOUBLE) / 100 AS "accessibility_score",
  "reason",
  CAST(NULL AS BIGINT) AS "rank",
  "cap_rank",
  "capped_from",
  CAST("completeness_centi" AS DOUBLE) / 100 AS "completeness",
  "potential_acv" AS "potential",
  "potential_estimated",
  "computed_tier"
FROM "placed"
WHERE
  "tier" = 'unassigned'
