-- V4: the emergency connection's counters (docs/emergency.md), kept across restarts and kill -9.
-- Per neighbour and role: emergencies started and the bytes of those that ended (a running one's
-- bytes are in its kernel counters until it ends, or until the next start finds them left over).
CREATE TABLE emergency_total (
    peer_id VARCHAR(64) NOT NULL,
    role VARCHAR(16) NOT NULL,
    started BIGINT NOT NULL,
    bytes_out BIGINT NOT NULL,
    bytes_in BIGINT NOT NULL,
    bytes_dropped BIGINT NOT NULL,
    packets_refused BIGINT NOT NULL,
    PRIMARY KEY (peer_id, role)
);
-- The emergencies running now, by the name of their kernel counters: a start after a kill -9
-- reads the counters the killed run left and adds them to the peer's totals before it removes them.
CREATE TABLE emergency_running (
    path_name VARCHAR(32) PRIMARY KEY,
    peer_id VARCHAR(64) NOT NULL,
    role VARCHAR(16) NOT NULL,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL
);
