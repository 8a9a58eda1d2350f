"""The daily loop's scheduler: which days each portfolio is due to tick, the record of the
days ticked (claimed under a database lock), and the thread that ticks them."""
