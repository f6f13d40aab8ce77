"""The venous access register's pure rules: device codes, dates, dressings, statistics."""
