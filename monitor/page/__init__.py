"""Reading a published Markdown page into the statements its claims are made of.

``markdown`` walks markdown-it-py's tokens (the reader the dashboard uses) into text
units (a paragraph, a list item, a table cell) made of runs of plain text; ``statements``
splits those into sentences and fact spans, each a verbatim run of the page; ``names``
finds the models and labs a statement names; ``infer`` turns a statement into the
expectations that would break it; ``draft`` dates statements and makes claims;
``render`` writes them as a commented claims file. ``monitor.importer`` is the entry.
"""
