"""English function words: the glue every English sentence is made of.

Written for farmscore (not copied from any library's list). Lowercase, straight apostrophes;
callers normalise "’" to "'" before looking words up.
"""

from __future__ import annotations

_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are as at
    be because been before being below between both but by
    can could did do does doing down during each either else ever every
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just least less many may me might more most much must my
    myself neither no nor not now of off on once only or other our ours ourselves out over own
    same shall she should so some such than that the their theirs them themselves then there
    these they this those though through to too under until up upon us very was we were what
    when where whether which while who whom whose why will with within without would yet you
    your yours yourself yourselves
    it's don't doesn't didn't isn't aren't wasn't weren't can't couldn't won't wouldn't
    shouldn't i'm i've i'd i'll you're you've we're we've they're they've he's she's that's
    there's let's
"""

ENGLISH_STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS_TEXT.split())
