"""Regex alternations of literal words, factored into a trie.

Python's ``re`` tries the branches of ``a|b|c`` one after the other, so an
alternation of a few hundred words costs a few hundred first-character
checks wherever the first character matches, and every shared prefix is
read again for each word that has it.  Factoring the words into a trie
(``住房(?:和城乡建设)?|住建``) reads each prefix once.

The trie keeps the semantics of the usual *longest first* alternation: the
words that can match at a given position are prefixes of one another, and
both forms try them longest first (a node's longer continuations before
the word ending there), so every match, backtracking included, is the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def trie_alternation(words: Iterable[str]) -> str:
    """A regex (no outer group) matching the same as the longest-first alternation of ``words``.

    >>> trie_alternation(["ab", "abc", "a", "b", "xyz"])
    '(?:a(?:bc?)?|b|xyz)'
    >>> trie_alternation(["区", "县", "市"])
    '[区县市]'
    """
    root: dict = {}
    for word in set(words):
        if not word:
            raise ValueError("empty word in an alternation")
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _render_node(root, top=True)


def _render_node(node: dict, top: bool = False) -> str:
    """The regex of a trie node: its continuations, optional when a word ends here.

    One-character words are merged into a class, except at the top of a mixed
    trie: there every branch must start with a literal character for ``re``
    to compile the set of first characters it uses to skip through a text.
    """
    children = sorted((ch, child) for ch, child in node.items() if ch)
    if not children:
        return ""
    leaves = [ch for ch, child in children if child.keys() == {""}]
    branches = []
    if len(leaves) > 1 and not (top and len(leaves) < len(children)):
        branches.append("[" + "".join(re.escape(ch) for ch in leaves) + "]")
        children = [(ch, child) for ch, child in children if ch not in leaves]
    branches.extend(re.escape(ch) + _render_node(child) for ch, child in children)
    single = len(branches) == 1 and (len(branches[0]) == 1 or branches[0] == "[" + "".join(leaves) + "]")
    body = branches[0] if single or (len(branches) == 1 and "" not in node) else "(?:" + "|".join(branches) + ")"
    return body + "?" if "" in node else body
