-- V3: the secure channel between paired routers (issue 5, capability 5; docs/PROTOCOL.md 3.9).
-- This router's own id, drawn once (SecureRandom) and kept: it names this router in pairing and
-- in every session's key schedule, so it must survive restarts. One row.
CREATE TABLE router_identity (
    id VARCHAR(64) PRIMARY KEY,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
-- A peer this router paired with (the code was shown on one router and typed on the other):
-- the channel secret and advert key from J-PAKE (PairingKey), and where the peer was last heard.
CREATE TABLE paired_peer (
    peer_id VARCHAR(64) PRIMARY KEY REFERENCES peer(id) ON DELETE CASCADE,
    address VARCHAR(64) NOT NULL,
    channel_secret BINARY(32) NOT NULL,
    advert_key BINARY(32) NOT NULL,
    paired_at TIMESTAMP WITH TIME ZONE NOT NULL
);
