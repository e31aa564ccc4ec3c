"""xephang's web application (Django): the annual cycle online, from data entry to the published ranking.

Every score, level and rank shown here comes from the core library (``xephang.scoring`` and
``xephang.ranking``) through ``xephang.web.scoring``; views and templates only display them.
"""
