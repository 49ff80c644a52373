"""The shift simulator (`pickpack simulate`): real station processes driven like people, with faults and crashes.

Why a package of its own: the floor's correctness under a busy shift (mistakes, office changes, ``kill -9``) can
only be measured from outside the stations, through the same stdin/stdout contract a scanner front end uses.
``drivers`` decides what a person would send next (pure, unit-tested), ``station`` runs one child process,
``office`` plays the supervisor through the services, ``floor`` reads and feeds the database, ``runner`` wires a
shift together and ``summary`` reports it.
"""
