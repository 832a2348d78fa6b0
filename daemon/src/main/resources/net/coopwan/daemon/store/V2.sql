-- V2: neighbouring routers and the handshake (issue 5, capabilities 3-4; docs/PROTOCOL.md 2.7).
-- A router this one has heard from: shown to the owner, referenced by approvals and agreements.
CREATE TABLE peer (
    id VARCHAR(64) PRIMARY KEY,
    name VARCHAR(100),
    first_seen TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen TIMESTAMP WITH TIME ZONE NOT NULL
);
-- An offer waiting for the owner: at most one per peer; a repeat narrows or replaces it.
-- The offer is one compact text column ("emergency:bandwidth_kbps=1000..10000,window_ms=100..1000;suppression:...")
-- because it is only ever read and replaced whole.
CREATE TABLE pending_approval (
    peer_id VARCHAR(64) PRIMARY KEY REFERENCES peer(id) ON DELETE CASCADE,
    received_at TIMESTAMP WITH TIME ZONE NOT NULL,
    offer VARCHAR(4000) NOT NULL
);
-- The "enabled cooperation types" ([0115]) with a peer, one agreement per peer and local role.
CREATE TABLE agreement (
    peer_id VARCHAR(64) NOT NULL REFERENCES peer(id) ON DELETE CASCADE,
    local_role VARCHAR(16) NOT NULL CHECK (local_role IN ('REQUESTER', 'HELPER')),
    approved_at TIMESTAMP WITH TIME ZONE NOT NULL,
    approved_by VARCHAR(32) NOT NULL,
    PRIMARY KEY (peer_id, local_role)
);
-- Normalised: every later request is checked against these rows, so each value is a typed BIGINT
-- the database checks, and a type without parameters still has its row.
CREATE TABLE agreement_type (
    peer_id VARCHAR(64) NOT NULL,
    local_role VARCHAR(16) NOT NULL,
    coop_type VARCHAR(40) NOT NULL,
    PRIMARY KEY (peer_id, local_role, coop_type),
    FOREIGN KEY (peer_id, local_role) REFERENCES agreement(peer_id, local_role) ON DELETE CASCADE
);
CREATE TABLE agreement_value (
    peer_id VARCHAR(64) NOT NULL,
    local_role VARCHAR(16) NOT NULL,
    coop_type VARCHAR(40) NOT NULL,
    parameter VARCHAR(40) NOT NULL,
    agreed_value BIGINT NOT NULL,
    PRIMARY KEY (peer_id, local_role, coop_type, parameter),
    FOREIGN KEY (peer_id, local_role, coop_type) REFERENCES agreement_type(peer_id, local_role, coop_type) ON DELETE CASCADE
);
