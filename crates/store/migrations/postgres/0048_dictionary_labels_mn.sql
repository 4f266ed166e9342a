-- Mongolian labels for the seeded dictionary entries that had none
-- (issue 17 item 1): activity types, programmes, need categories (which are
-- also the public help page's request categories), visit tags, Women's Home
-- facilities and case types showed their Chinese on Mongolian pages.
-- Drafts in traditional script, like the rest of the catalogue, awaiting the
-- bilingual reviewer; written from tools/mongolian/drafts/dictionaries.txt by
-- tools/mongolian/dictionaries.py. Only an empty label is filled, so a label
-- a region administrator has already written is kept.

UPDATE dict_entries SET label_mn = 'ᠣᠨᠣᠯ ᠬᠦᠷᠭᠡᠬᠦ'
    WHERE kind = 'activity_type' AND key = 'send_theory' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠬᠠᠤᠯᠢ ᠵᠦᠢ ᠬᠦᠷᠭᠡᠬᠦ'
    WHERE kind = 'activity_type' AND key = 'send_law' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠰᠢᠨᠵᠢᠯᠡᠬᠦ ᠤᠬᠠᠭᠠᠨ ᠲᠧᠭᠨᠢᠭ ᠬᠦᠷᠭᠡᠬᠦ'
    WHERE kind = 'activity_type' AND key = 'send_tech' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠰᠣᠶᠣᠯ ᠬᠦᠷᠭᠡᠬᠦ'
    WHERE kind = 'activity_type' AND key = 'send_culture' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠬᠠᠯᠠᠮᠵᠢ ᠬᠦᠷᠭᠡᠬᠦ'
    WHERE kind = 'activity_type' AND key = 'send_care' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠭᠡᠷ ᠪᠦᠯ ᠦᠨ ᠬᠦᠮᠦᠵᠢᠯ ᠬᠦᠷᠭᠡᠬᠦ'
    WHERE kind = 'activity_type' AND key = 'send_family_edu' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠤᠷ ᠴᠢᠳᠠᠪᠤᠷᠢ ᠬᠦᠷᠭᠡᠬᠦ'
    WHERE kind = 'activity_type' AND key = 'send_skills' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠡᠷᠡᠭᠦᠯ ᠮᠡᠨᠳᠦ ᠬᠦᠷᠭᠡᠬᠦ'
    WHERE kind = 'activity_type' AND key = 'send_health' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠳᠤᠯᠠᠭᠠᠨ ᠬᠦᠷᠭᠡᠬᠦ'
    WHERE kind = 'activity_type' AND key = 'send_warmth' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠦᠶᠢᠯᠡᠴᠢᠯᠡᠭᠡ ᠬᠦᠷᠭᠡᠬᠦ'
    WHERE kind = 'activity_type' AND key = 'send_services' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠪᠠᠭᠠᠲᠤᠷ ᠡᠮᠡᠭᠲᠡᠶᠢᠴᠦᠳ ᠦᠨ ᠶᠡᠬᠡ ᠰᠤᠷᠲᠠᠯᠴᠢᠯᠭ᠎ᠠ'
    WHERE kind = 'activity_type' AND key = 'lecture' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠡᠮᠡᠭᠲᠡᠶᠢᠴᠦᠳ ᠦᠨ ᠰᠠᠭᠤᠯᠴᠠᠭ᠎ᠠ'
    WHERE kind = 'activity_type' AND key = 'talk_meeting' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠤᠮᠠᠷᠠᠳᠤ ᠬᠢᠶᠠᠭᠠᠷ ᠤᠨ ᠪᠠᠭᠠᠲᠤᠷ ᠡᠮᠡᠭᠲᠡᠶᠢᠴᠦᠳ ᠦᠨ ᠦᠵᠡᠯ ᠰᠠᠨᠠᠭ᠎ᠠ ᠤᠯᠰ ᠲᠥᠷ ᠦᠨ ᠶᠡᠬᠡ ᠨᠣᠮᠯᠠᠯ'
    WHERE kind = 'activity_type' AND key = 'ideology_class' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠭᠡᠷ ᠪᠦᠯ ᠦᠨ ᠬᠦᠮᠦᠵᠢᠯ ᠦᠨ ᠵᠢᠭᠠᠪᠤᠷᠢ'
    WHERE kind = 'activity_type' AND key = 'family_education' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠴᠢᠩ ᠰᠢᠯᠤᠭᠤᠨ ᠰᠣᠶᠣᠯ ᠭᠡᠷ ᠪᠦᠯ ᠳᠦᠷ ᠣᠷᠤᠬᠤ'
    WHERE kind = 'activity_type' AND key = 'integrity_family' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠰᠤᠷᠭᠠᠯᠲᠠ'
    WHERE kind = 'activity_type' AND key = 'training' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠰᠠᠶᠢᠨ ᠳᠤᠷᠠᠨ ᠤ ᠦᠶᠢᠯᠡᠴᠢᠯᠡᠭᠡ'
    WHERE kind = 'activity_type' AND key = 'volunteer' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠭᠡᠷ ᠪᠦᠯ ᠳᠦᠷ ᠠᠶᠢᠯᠴᠢᠯᠠᠬᠤ'
    WHERE kind = 'activity_type' AND key = 'home_visit' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠪᠤᠰᠤ'
    WHERE kind = 'activity_type' AND key = 'other' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠤᠮᠠᠷᠠᠳᠤ ᠬᠢᠶᠠᠭᠠᠷ ᠤᠨ ᠪᠠᠭᠠᠲᠤᠷ ᠡᠮᠡᠭᠲᠡᠶᠢᠴᠦᠳ ᠦᠨ ᠰᠦᠨᠡᠰᠦ ᠴᠤᠲᠬᠠᠬᠤ ᠲᠥᠰᠡᠯ'
    WHERE kind = 'program' AND key = 'soul_casting' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠭᠡᠷ ᠪᠦᠯ ᠪᠦᠷᠢ ᠠᠵᠠ ᠵᠢᠷᠭᠠᠯ ᠲᠠᠢ ᠡᠩᠬᠡ ᠲᠦᠪᠰᠢᠨ ᠲᠥᠰᠡᠯ'
    WHERE kind = 'program' AND key = 'happy_family' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠦᠨᠳᠦᠰᠦ ᠪᠡᠬᠢᠯᠡᠬᠦ᠂ ᠬᠠᠮᠷᠤᠯᠲᠠ ᠥᠷᠭᠡᠵᠢᠭᠦᠯᠬᠦ᠂ ᠢᠳᠡᠪᠬᠢ ᠬᠥᠭᠵᠢᠭᠦᠯᠬᠦ ᠲᠥᠰᠡᠯ'
    WHERE kind = 'program' AND key = 'grassroots' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠰᠢᠨᠵᠢᠯᠡᠬᠦ ᠤᠬᠠᠭᠠᠨ ᠲᠧᠭᠨᠢᠭ ᠦᠨ ᠰᠢᠨᠡᠴᠢᠯᠡᠯ'
    WHERE kind = 'program' AND key = 'act_innovation' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠦᠶᠢᠯᠡᠰ ᠡᠭᠦᠰᠬᠡᠯ ᠪᠠ ᠠᠵᠢᠯ ᠡᠷᠬᠢᠯᠡᠯ'
    WHERE kind = 'program' AND key = 'act_employment' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠬᠥᠳᠡᠭᠡ ᠰᠠᠯᠠᠭ᠎ᠠ ᠶᠢ ᠰᠡᠷᠭᠦᠭᠡᠬᠦ'
    WHERE kind = 'program' AND key = 'act_rural' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠡᠷᠬᠡ ᠠᠱᠢᠭ ᠢ ᠬᠠᠮᠠᠭᠠᠯᠠᠬᠤ ᠪᠠ ᠬᠠᠯᠠᠮᠵᠢ'
    WHERE kind = 'program' AND key = 'act_rights' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠠᠮᠢ ᠨᠠᠰᠤ ᠪᠠ ᠡᠷᠡᠭᠦᠯ ᠮᠡᠨᠳᠦ'
    WHERE kind = 'program' AND key = 'act_health' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠠᠵᠢᠯ ᠡᠷᠬᠢᠯᠡᠯ ᠪᠠ ᠦᠶᠢᠯᠡᠰ ᠡᠭᠦᠰᠬᠡᠯ'
    WHERE kind = 'need_category' AND key = 'employment' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠤᠷ ᠴᠢᠳᠠᠪᠤᠷᠢ ᠶᠢᠨ ᠰᠤᠷᠭᠠᠯᠲᠠ'
    WHERE kind = 'need_category' AND key = 'skills' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠡᠮᠨᠡᠯᠭᠡ ᠪᠠ ᠡᠷᠡᠭᠦᠯ ᠮᠡᠨᠳᠦ'
    WHERE kind = 'need_category' AND key = 'health' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠬᠠᠤᠯᠢ ᠵᠦᠢ ᠶᠢᠨ ᠵᠥᠪᠯᠡᠯᠭᠡ'
    WHERE kind = 'need_category' AND key = 'legal' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠬᠡᠦᠬᠡᠳ ᠦᠨ ᠪᠣᠯᠪᠠᠰᠤᠷᠠᠯ'
    WHERE kind = 'need_category' AND key = 'education' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠬᠡᠦᠬᠡᠳ ᠠᠰᠠᠷᠠᠬᠤ ᠪᠠ ᠠᠰᠠᠷᠠᠮᠵᠢ'
    WHERE kind = 'need_category' AND key = 'childcare' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠪᠡᠷᠬᠡᠰᠢᠶᠡᠯ ᠦᠨ ᠲᠤᠰᠠᠯᠠᠮᠵᠢ'
    WHERE kind = 'need_category' AND key = 'hardship' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠰᠡᠳᠬᠢᠯ ᠵᠦᠢ ᠶᠢᠨ ᠵᠢᠭᠠᠪᠤᠷᠢ'
    WHERE kind = 'need_category' AND key = 'psychological' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠪᠤᠰᠤ'
    WHERE kind = 'need_category' AND key = 'other' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠠᠮᠢᠳᠤᠷᠠᠯ ᠤᠨ ᠪᠡᠷᠬᠡᠰᠢᠶᠡᠯ'
    WHERE kind = 'visit_tag' AND key = 'hardship' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠭᠡᠷ ᠲᠦ ᠦᠯᠡᠳᠡᠭᠰᠡᠨ ᠬᠡᠦᠬᠡᠳ'
    WHERE kind = 'visit_tag' AND key = 'left_behind_children' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠭᠡᠷ ᠲᠦ ᠦᠯᠡᠳᠡᠭᠰᠡᠨ ᠡᠮᠡᠭᠲᠡᠶᠢᠴᠦᠳ'
    WHERE kind = 'visit_tag' AND key = 'left_behind_women' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠭᠠᠭᠴᠠᠭᠠᠷ ᠠᠮᠢᠳᠤᠷᠳᠠᠭ ᠥᠲᠡᠭᠦᠰ'
    WHERE kind = 'visit_tag' AND key = 'elderly_alone' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠬᠥᠭᠵᠢᠯ ᠳᠤᠲᠠᠭᠤ'
    WHERE kind = 'visit_tag' AND key = 'disability' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠭᠠᠭᠴᠠᠭᠠᠷ ᠠᠰᠠᠷᠠᠭᠴᠢ ᠡᠬᠡ'
    WHERE kind = 'visit_tag' AND key = 'single_mother' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠬᠦᠨᠳᠦ ᠡᠪᠡᠳᠴᠢᠨ'
    WHERE kind = 'visit_tag' AND key = 'serious_illness' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠭᠡᠷ ᠪᠦᠯ ᠦᠨ ᠬᠦᠴᠢᠷᠬᠡᠭ ᠦᠨ ᠠᠶᠤᠯ'
    WHERE kind = 'visit_tag' AND key = 'dv_risk' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠪᠤᠰᠤ'
    WHERE kind = 'visit_tag' AND key = 'other' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠦᠶᠢᠯᠡ ᠠᠵᠢᠯᠯᠠᠭ᠎ᠠ ᠶᠢᠨ ᠭᠡᠷ'
    WHERE kind = 'home_facility' AND key = 'activity_room' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠤᠩᠰᠢᠯᠭ᠎ᠠ ᠶᠢᠨ ᠪᠤᠯᠤᠩ'
    WHERE kind = 'home_facility' AND key = 'reading_corner' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠰᠡᠳᠬᠢᠯ ᠵᠦᠢ ᠶᠢᠨ ᠵᠥᠪᠯᠡᠯᠭᠡ ᠶᠢᠨ ᠭᠡᠷ'
    WHERE kind = 'home_facility' AND key = 'counselling_room' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠬᠡᠦᠬᠡᠳ ᠦᠨ ᠦᠶᠢᠯᠡ ᠠᠵᠢᠯᠯᠠᠭ᠎ᠠ ᠶᠢᠨ ᠲᠠᠯᠪᠠᠢ'
    WHERE kind = 'home_facility' AND key = 'children_corner' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠰᠤᠷᠭᠠᠯᠲᠠ ᠶᠢᠨ ᠲᠠᠨᠬᠢᠮ'
    WHERE kind = 'home_facility' AND key = 'training_room' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠬᠠᠤᠯᠢ ᠵᠦᠢ ᠶᠢᠨ ᠦᠶᠢᠯᠡᠴᠢᠯᠡᠭᠡ ᠶᠢᠨ ᠪᠤᠯᠤᠩ'
    WHERE kind = 'home_facility' AND key = 'legal_corner' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠡᠪᠯᠡᠷᠡᠭᠦᠯᠦᠯ ᠦᠨ ᠭᠡᠷ'
    WHERE kind = 'home_facility' AND key = 'mediation_room' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠰᠠᠭᠠᠳ ᠦᠭᠡᠢ ᠲᠣᠨᠣᠭ ᠵᠡᠪᠰᠡᠭ'
    WHERE kind = 'home_facility' AND key = 'accessible' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠭᠡᠷ ᠪᠦᠯ ᠦᠨ ᠬᠦᠴᠢᠷᠬᠡᠭ'
    WHERE kind = 'case_type' AND key = 'domestic_violence' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠭᠡᠷᠯᠡᠯᠲᠡ ᠭᠡᠷ ᠪᠦᠯ ᠦᠨ ᠮᠠᠷᠢᠭᠠᠨ'
    WHERE kind = 'case_type' AND key = 'marriage_family' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠡᠳ ᠥᠮᠴᠢ ᠪᠠ ᠥᠪ ᠵᠠᠯᠭᠠᠮᠵᠢᠯᠠᠯ'
    WHERE kind = 'case_type' AND key = 'property_inheritance' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠠᠵᠢᠯ ᠡᠷᠬᠢᠯᠡᠯ ᠪᠠ ᠬᠥᠳᠡᠯᠮᠦᠷᠢ ᠶᠢᠨ ᠡᠷᠬᠡ ᠠᠱᠢᠭ'
    WHERE kind = 'case_type' AND key = 'employment_labour' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠬᠦᠶᠢᠰᠦ ᠶᠢᠨ ᠳᠣᠷᠣᠮᠵᠢᠯᠠᠯ'
    WHERE kind = 'case_type' AND key = 'sexual_harassment' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠬᠡᠦᠬᠡᠳ ᠦᠨ ᠡᠷᠬᠡ ᠠᠱᠢᠭ ᠢ ᠬᠠᠮᠠᠭᠠᠯᠠᠬᠤ'
    WHERE kind = 'case_type' AND key = 'child_protection' AND (label_mn IS NULL OR label_mn = '');
UPDATE dict_entries SET label_mn = 'ᠪᠤᠰᠤ'
    WHERE kind = 'case_type' AND key = 'other' AND (label_mn IS NULL OR label_mn = '');
