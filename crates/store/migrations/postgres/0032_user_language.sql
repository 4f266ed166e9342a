-- Her language of the interface (zh-CN, mn-Mong, en), kept when she
-- switches it while logged in and restored at her next login on any device;
-- NULL: the browser's cookie or Accept-Language decides.
ALTER TABLE users ADD COLUMN lang TEXT;
