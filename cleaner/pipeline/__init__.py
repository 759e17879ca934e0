"""The stages that make a page's articles, in the order they run.

=============  =====================================================================
stage          module
=============  =====================================================================
read           :mod:`cleaner.pipeline.read`: the text checked, or HTML rendered to
               text with what the page declares (:class:`cleaner.PageMeta`)
segment        :mod:`cleaner.pipeline.segment`: the text cut into units
featurize      :mod:`cleaner.pipeline.featurize`: each unit's features
classify       :mod:`cleaner.pipeline.classify`: each unit's label probabilities
               (the block classifier, :mod:`cleaner.model`; for HTML, re-scored
               with the markup)
decode         :mod:`cleaner.pipeline.decode`: labels from the probabilities, under
               named steps (the rules of :mod:`cleaner.pipeline.headline_rules`,
               :mod:`cleaner.pipeline.line_rules` and
               :mod:`cleaner.pipeline.byline_rules`) and the page's structure
               (:mod:`cleaner.pipeline.structure`,
               :mod:`cleaner.pipeline.headline`; on HTML pages,
               :mod:`cleaner.pipeline.containers`), each change named by its step
assemble       :mod:`cleaner.pipeline.assemble`: labelled units merged into
               segments, segments into articles, bylines parsed
enrich         :mod:`cleaner.pipeline.enrich`: the main article completed from an
               author credited in the text and what the page declares
=============  =====================================================================

:class:`cleaner.Cleaner` runs them (``Cleaner._run``): one page at a time for
:meth:`~cleaner.Cleaner.clean` and :meth:`~cleaner.Cleaner.clean_html`, and for
:meth:`~cleaner.Cleaner.clean_many` the same stages with the classify step batched
over pages, and the headline ranker's choice too: decode runs in three steps
(:func:`~cleaner.pipeline.decode.start_decoding`,
:func:`~cleaner.pipeline.headline.rank_headlines` for all the pages,
:func:`~cleaner.pipeline.decode.finish_decoding`). Each stage reads only what the
stages before it made; none calls back into an earlier one.
"""
