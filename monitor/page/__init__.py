"""Reading a published Markdown page into the statements its claims are made of.

``markdown`` walks markdown-it-py's tokens (the reader the dashboard uses) into text
units (a paragraph, a list item, a table cell) made of runs of plain text; ``statements``
splits those into sentences and model fact spans, each a verbatim run of the page;
``names`` finds the models and labs a statement names and ``licenses`` its licences;
``infer`` turns a statement into the expectations that would break it; ``draft`` dates
it and picks its review cadence; ``render`` writes drafts as a commented claims file;
``ids`` reads and writes the ``<!-- claim: ID -->`` comments that keep a claim's id on
the page; ``follow`` matches a page's statements to the claims it had.
``monitor.importer`` is the entry point, ``monitor.pagesync`` follows ``[[page]]``s.
"""
