-- V1: the event log. One row per state change an admin may want to read later.
CREATE TABLE event_log (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    at TIMESTAMP WITH TIME ZONE NOT NULL,
    source VARCHAR(100) NOT NULL,
    message VARCHAR(1000) NOT NULL
);
