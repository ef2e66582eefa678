"""The bundled demo portfolio and synthetic portfolios of any size.

How the demo data was made: the 1,000 companies of Fortune's 2020 list (bundled
in ``tierwise/data``) give each account its name, domain, sector, headcount,
revenue (converted to EUR at a fixed planning rate) and an estimate of revenue
growth from its move on the list (`tierwise.sample.fortune`). Everything a
list cannot know, such as contract potential, web visits, intent, champions,
sponsors and competitors, is drawn from a seeded random generator whose rules
are written out in `tierwise.sample.generator`; larger portfolios add made-up
companies described in `tierwise.sample.synthetic`. Nothing generated
describes a real relationship with a real company.

>>> demo = build_demo_portfolio()
>>> demo.num_rows
1000
>>> demo.column("name")[0].as_py()
'Walmart'
"""

from tierwise.sample.portfolio import (
    DEFAULT_BATCH_SIZE,
    DEMO_AS_OF,
    DEMO_SEED,
    PORTFOLIO_SCHEMA,
    PortfolioError,
    build_demo_portfolio,
    generate_portfolio,
    iter_portfolio_batches,
)
from tierwise.sample.writer import PORTFOLIO_FORMATS, write_portfolio

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEMO_AS_OF",
    "DEMO_SEED",
    "PORTFOLIO_FORMATS",
    "PORTFOLIO_SCHEMA",
    "PortfolioError",
    "build_demo_portfolio",
    "generate_portfolio",
    "iter_portfolio_batches",
    "write_portfolio",
]
