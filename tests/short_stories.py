"""Short one-event news sentences we wrote, shared by the streaming and watch tests."""

STORIES = [
    "Police in Lagos arrested twelve protesters outside the parliament on Monday, witnesses said.",
    "The foreign minister of Kenya met the Ugandan president in Kampala to discuss border trade.",
    "Rebels attacked an army base in northern Mali on Sunday, the defence ministry said.",
    "The Japanese government condemned the missile test carried out by North Korea on Friday.",
    "Brazil and Argentina signed an agreement on energy cooperation in Buenos Aires on Tuesday.",
    "Thousands of workers marched in Paris against the pension reform, unions said on Thursday.",
    "Turkish troops shelled positions of Kurdish fighters near the Syrian border, officials said.",
    "The United Nations called on both sides in Sudan to agree to a ceasefire in Khartoum.",
]
