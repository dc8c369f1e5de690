"""Tests of the backpack service (obverify.service) over real HTTP."""
