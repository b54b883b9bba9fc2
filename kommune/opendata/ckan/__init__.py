"""A read-only CKAN Action API (API version 3) over the open-data catalogue.

CKAN clients and harvesters (ckanapi, ckanext-harvest's CKAN harvester, GovData) talk to it as to a CKAN site:
organisations are the municipalities, groups the EU data themes, packages the published datasets.
``actions.py`` has one function per action, ``views.py`` the dispatcher with CKAN's success and error envelopes.
"""
