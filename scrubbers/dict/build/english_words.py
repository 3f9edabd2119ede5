"""Builds scrubbers/dict/english-words.txt: ordinary English words (lower case), used to
tell names that are also words ("Will", "Grant") from names, and capitalised ordinary words
from unknown names.

A word qualifies when Debian's `wamerican` list has it in lower case (so it is not only a
proper noun) and it is among the 40,000 most frequent English words in `wordfreq` 3.1.1.
Run: python3 scrubbers/dict/build/english_words.py  (needs wamerican and wordfreq)."""
import pathlib
from wordfreq import top_n_list

lower = {w.strip() for w in open('/usr/share/dict/american-english', encoding='utf-8')
         if w.strip().isalpha() and w.strip().islower() and w.strip().isascii()}
frequent = set(top_n_list('en', 40000))
words = sorted(w for w in frequent & lower if len(w) >= 2)
out = pathlib.Path(__file__).resolve().parents[1] / 'english-words.txt'
out.write_text('\n'.join(words) + '\n', encoding='utf-8')
print(len(words), 'words ->', out)
