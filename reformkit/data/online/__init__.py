"""Online loaders for the official sources: SSB PxWebApi v2 and KLASS, Kartverket/Geonorge.

``http`` (session, retries, errors), ``pxweb`` (config, metadata, chunked requests), ``klass`` (codes,
changes, recoding weights), ``population`` (07459 and projections), ``geonorge`` (boundaries, names).
:mod:`reformkit.data.fetch` puts them together.
"""
