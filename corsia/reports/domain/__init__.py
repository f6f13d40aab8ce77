"""The report framework's pure part: definitions, parameters, results, charts, pseudonyms."""
