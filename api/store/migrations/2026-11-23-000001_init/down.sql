DROP TABLE service_state;
DROP TABLE extra_partners;
DROP TABLE observations;
DROP TABLE datasets;
