"""Sentence patterns the demo desk writes with; a theme supplies the words that make them specific.

Placeholders are those of a Scene (see writing.py): {country}, {other}, {subject}, {action}, {org},
{politician}, {city}, {expert}... Numbers ({pct}, {n}, {few}, {big}) are drawn afresh at each use.
"""

HEADLINES = {
    "news": (
        "{country} moves to {action} after months of debate",
        "{country} and {other} agree to work together on {subject}",
        "{politician} promises to {action} before the end of the year",
        "{org} urges the {nationality} government to {action}",
        "Parliament in {capital} votes to {action} despite objections",
        "{nationality} officials say talks on {subject} will resume next month",
        "New figures put {subject} back on the agenda in {capital}",
        "{city} residents demand answers from the government over {subject}",
        "Government in {capital} comes under pressure over {subject}",
        "{other_nationality} delegation arrives in {capital} for talks on {subject}",
        "Opposition in {country} criticises the plan to {action}",
        "{org} to review {subject} at its next meeting",
        "{country} postpones a decision on {subject} once again",
        "Experts warn that {country} is not yet ready to {action}",
        "{politician} says {country} will not back down over {subject}",
        "Ministers in {capital} approve a plan to {action}",
    ),
    "interview": (
        "Can {country} really {action} without the help of {other}?",
        "Is {country} ready to {action}, or is it too soon?",
        "“{Subject} will shape the next decade in {country}”",
        "Why {capital} should take {subject} more seriously than it does",
        "Will {other} accept {nationality} terms on {subject}?",
        "What comes next for {subject} after the latest round of talks?",
        "Who really benefits from the plan to {action}?",
        "Is the push to {action} a turning point for {country}?",
        "“{country} has to {action}, and sooner rather than later”",
        "How {subject} could change the balance between {country} and {other}",
    ),
    "opinion": (
        "{country} cannot afford to ignore {subject} any longer",
        "The real cost of {subject} for {country} and its neighbours",
        "Why the plan to {action} deserves a second look",
        "{country} needs a clear strategy on {subject}, not slogans",
        "It is time for the government in {capital} to {action}",
        "The debate over {subject} in {country} is missing the point",
        "A better way to {action} exists, and {capital} should take it",
        "What {other} can teach {country} about {subject}",
    ),
    "analysis": (
        "What the push to {action} means for {country} and the region",
        "Three questions about {subject} that {capital} has to answer",
        "Behind the headlines: {subject} and the future of {country}",
        "Why {country} and {other} keep failing to agree on {subject}",
        "The numbers behind {subject} in {country}, explained",
        "How the plan to {action} could change politics in {capital}",
        "Between promises and practice: {subject} in {country} today",
    ),
    "review": (
        "Review: “{work}” is a sober guide to {subject}",
        "Review: “{work}” asks hard questions about {subject} in {country}",
        "Review: a new {format} on {subject} that is worth your time",
        "Review: “{work}” tells the story of {subject} through {city}",
        "Review: “{work}”, a {format} about {subject}, falls short",
    ),
    "feature": (
        "In {city}, everyday life now turns on {subject}",
        "Life on the front line of {subject} in the town of {city}",
        "A week in {city}, where every conversation turns to {subject}",
        "From {city} to {capital}: following {subject} across {country}",
        "The people of {city} and their long wait for {subject}",
    ),
    "photo": (
        "In pictures: how {city} is living with {subject}",
        "Photo story: a week in {city} as {country} debates {subject}",
        "In pictures: the people behind the debate on {subject} in {city}",
    ),
    "video": (
        "Video: residents of {city} talk about {subject}",
        "Watch: {subject} seen from the streets of {city}",
        "Video report: {city} and the debate over {subject}",
    ),
}
HEADLINES["republished"] = HEADLINES["news"] + HEADLINES["analysis"]

NEWS_DECKS = (
    "The {nationality} government says it will {action}, but critics want to see the details",
    "Officials in {capital} say a decision on {subject} is expected within weeks",
    "The move follows months of debate over {subject} in {parliament}",
    "{other} is watching closely as {country} prepares to {action}",
)
SECOND_LINES = (
    "{nationality} government calls {subject} a priority",
    "Statement from {org}",
    "Talks with {other} to continue",
    "Reaction from {city}",
)

LEDES = (
    "The government of {country} said it would {action}, in a move that has been debated in "
    "{capital} for months.",
    "{politician}, {politician_office}, said {country} was ready to {action} if {other} agreed "
    "to talks on {subject}.",
    "{org} has called on its members to {action} after a meeting in {city}.",
    "{nationality} lawmakers voted to {action}, ending weeks of debate over {subject}.",
    "Officials in {capital} announced new measures on {subject} on the eve of talks with {other}.",
    "Residents of {city} have raised concerns about {subject} as the government prepares to "
    "{action}.",
)

NEWS_SENTENCES = (
    "Officials in {capital} said a decision on {subject} would be taken before the end of the "
    "year.",
    "The plan to {action} has been under discussion for several months.",
    "Critics say the government has not explained how it will pay for the plan to {action}.",
    "{org} said it would follow developments closely.",
    "Opposition deputies in {parliament} called for a public hearing on {subject}.",
    "{other_nationality} officials have not yet commented on the proposal.",
    "Business groups in {city} welcomed the announcement but asked for more detail.",
    "A government spokesperson said further measures on {subject} were being prepared.",
    "Ministers from {country} and {other} are expected to discuss {subject} when they next meet.",
    "Local authorities in {city} said they had not been consulted.",
    "The ministry said draft legislation would be published for public comment.",
    "Analysts say the move reflects growing concern in {capital} about {subject}.",
    "The announcement comes as {country} prepares its budget for next year.",
    "It was not immediately clear when the new rules would take effect.",
    "The proposal must still be approved by {parliament}.",
    "A first reading is expected before the end of the month.",
    "Independent economists said the estimates published by the government were optimistic.",
    "The issue has divided the governing coalition in {capital}.",
    "Officials said the measures would be reviewed after six months.",
    "Representatives of {other} are expected to attend the next round of talks.",
    "Trade unions said they would study the text before responding.",
    "Similar measures were announced two years ago but were never fully carried out.",
)

OFFICIAL_QUOTES = (
    "We are ready to {action}, but not at any price.",
    "Our position on {subject} has not changed.",
    "This is a decision for the people of {country}, and we will respect it.",
    "We expect our partners in {other_capital} to respond constructively.",
    "Nobody should doubt our commitment when it comes to {subject}.",
    "The work is difficult, but we have made real progress in recent weeks.",
    "We have listened to the concerns of people in {city} and we will act on them.",
    "We will {action}. The question is how, not whether.",
)

RESIDENT_ROLES = (
    "a teacher in {city}",
    "a shop owner in {city}",
    "a farmer near {city}",
    "a student in {capital}",
    "a retired engineer from {city}",
    "a nurse at the hospital in {city}",
    "a taxi driver in {capital}",
    "a local councillor in {city}",
)
RESIDENT_QUOTES = (
    "Everyone here talks about {subject}, but nobody asks us.",
    "We have heard promises before. This time we want to see results.",
    "Life has become harder, but people here are used to hard times.",
    "If they really {action}, it will change a lot for families like mine.",
    "My children want to stay here, but they need a reason to.",
    "It is easy to decide things in {capital}. We are the ones who live with them.",
    "Nobody explained what the plan to {action} would mean for us.",
    "We are not against change. We just want to be told the truth about it.",
    "Ten years ago this street was full of shops. Now look at it.",
    "My neighbours have already made up their minds. I am still waiting to see.",
    "People here work hard. What we need is a fair chance.",
    "The young ones follow the news on their phones and argue about it every evening.",
)

EXPERT_SENTENCES = (
    "The question is not whether {country} will {action}, but how quickly and at what cost.",
    "For {capital}, the question of {subject} is as much political as economic.",
    "It would be a mistake to read the latest statements as a sign of a breakthrough.",
    "Much depends on how {other} responds in the coming weeks.",
    "The official figures tell only part of the story.",
    "What is missing is a clear timetable and an honest account of the trade-offs.",
    "Both sides have an interest in keeping the talks alive, even if neither is ready to "
    "compromise on {subject}.",
    "History suggests caution: similar promises were made a decade ago and came to little.",
    "Regional institutions such as {org} can help, but they cannot replace political will.",
    "The public mood in {country} has shifted, and politicians are paying attention.",
    "There is a real opportunity here, but it will not last for ever.",
    "Investors are watching closely, and they dislike uncertainty more than bad news.",
    "The plan to {action} is a step in the right direction, but only a step.",
    "Neighbours such as {other} will judge {country} by what it does, not by what it announces.",
    "Reforms of this kind take years, and the political cycle in {country} is short.",
    "The people most affected by {subject} are rarely the ones who are consulted.",
    "A realistic goal would be to {action} within three to five years.",
    "I would not expect a quick result, but the direction matters.",
    "Officials in {capital} know this, even if they rarely say so in public.",
    "{other} faced the same choices a few years ago and chose differently.",
    "In the short term, the main risk is that the debate over {subject} becomes a tool of "
    "domestic politics.",
    "Reliable data on {subject} are scarce, which makes any forecast uncertain.",
    "Without the support of {other}, the plan to {action} will be difficult to carry out.",
    "The region has seen this pattern before: bold announcements, slow implementation.",
    "There is also a regional dimension that is often overlooked.",
    "Public trust is the scarcest resource in this debate.",
    "Ordinary people in {city} have heard many promises about {subject} and seen few results.",
    "The government has the tools it needs; what it lacks is a consensus on how to use them.",
    "I expect {other} to wait and see rather than respond immediately.",
    "Part of the problem is that responsibility for {subject} is split between several ministries.",
    "Every government in {capital} has promised to {action}; none has finished the job.",
    "We should be careful not to confuse activity with progress.",
    "The decisive debates will happen in {parliament}, not at press conferences.",
    "External partners can offer money and advice, but the choices belong to {country}.",
    "If the plan to {action} succeeds, it could become a model for the whole region.",
    "The cost of doing nothing is rising every year.",
    "Much of the public discussion of {subject} is based on outdated figures.",
    "Timing matters: an election year is rarely a good moment for difficult reforms.",
    "{org} has been more cautious than many expected, and with good reason.",
    "The real test will come when the first bills arrive.",
)

# The analyst's voice: reasoning about causes, trade-offs and what to watch.
ANALYSIS_SENTENCES = (
    "Three factors explain the shift: money, timing and the mood in {capital}.",
    "The debate over {subject2} is closely linked, and the two are often confused.",
    "On paper, the plan to {action} is simple; in practice it touches almost every ministry.",
    "Supporters argue that the plan will pay for itself within a decade.",
    "Opponents counter that the burden will fall on those least able to carry it.",
    "The budget for next year will be the first real test of the government's intentions.",
    "Comparable reforms elsewhere in the region took between five and ten years.",
    "The business community is divided, with exporters more enthusiastic than importers.",
    "Much will depend on the courts, which have so far stayed out of the argument.",
    "For now, the official line in {capital} is one of cautious optimism.",
    "Relations with {other} add a further layer of complexity.",
    "Local elections next year could change the calculation for every party involved.",
    "A compromise on {subject2} could open the way to progress on {subject}.",
    "The risk of doing too little is as real as the risk of moving too fast.",
    "What to watch next: the draft law, the budget debate and the reaction in {other_capital}.",
)

# Points an expert lists ("First, ... Secondly, ..."), written to follow a comma.
POINTS = (
    "the government has to explain how it will pay for the plan to {action}",
    "{other} has to be part of any lasting solution on {subject}",
    "the institutions that oversee {subject} need more independence",
    "people in places like {city} need to see results quickly",
    "the data on {subject} must be published regularly and in full",
    "regional bodies such as {org} should play a bigger role",
    "parliament should have a real say rather than approve decisions after the fact",
    "any agreement has to survive a change of government in {capital}",
)
ORDINALS = ("First", "Secondly", "Thirdly", "Finally")

QUESTIONS = (
    "How do you assess the latest statements from {capital} on {subject}?",
    "Can {country} really {action} without the support of {other}?",
    "What role can {org} play?",
    "Some observers say the debate over {subject} is being used for domestic political "
    "purposes. Do you agree?",
    "How will this affect ordinary people in {country}?",
    "What should we expect in the coming months?",
    "Is there a risk that the process will stall?",
    "How is {other} likely to respond?",
    "What would a realistic compromise look like?",
    "What lessons can {country} learn from its neighbours?",
    "Why has the plan to {action} taken so long?",
)

EXPERT_INTRODUCTIONS = (
    "{outlet} asked {expert}, {expert_affiliation}, what the debate over {subject} means for "
    "{country} and its neighbours.",
    "To make sense of it, {outlet} spoke to {expert}, {expert_affiliation}.",
    "{expert}, {expert_affiliation}, has followed {subject} for years. {outlet} talked to "
    "{expert_surname} about what comes next.",
)
CLOSINGS = (
    "In the long run, {country} will have to {action}",
    "Whatever happens next, {subject} will remain at the centre of politics in {capital}",
    "The coming months will show whether {country} is serious about {subject}",
    "Without trust between {capital} and {other_capital}, progress on {subject} will stay slow",
)

HEADINGS = (
    "A question of timing",
    "What {capital} wants",
    "The view from {other_capital}",
    "The cost of {subject}",
    "What comes next",
    "Numbers and narratives",
    "The regional picture",
    "Promises and practice",
    "Who pays",
    "The people in between",
)

FEATURE_OPENINGS = (
    "Early in the morning, the streets of {city} are quiet, but conversations about {subject} "
    "start soon enough.",
    "In {city}, a few hours' drive from {capital}, the debate over {subject} is not abstract.",
    "The road into {city} passes fields, a closed factory and a new petrol station.",
)
FEATURE_SENTENCES = (
    "Here, people measure {subject} in their monthly bills and their children's plans.",
    "Many families in {city} have relatives working abroad.",
    "Local officials say they are waiting for instructions from {capital}.",
    "The town has changed more in the past five years than in the twenty before.",
    "At the market, talk turns quickly from prices to politics.",
    "Few here have read the government's plan to {action}, but most have an opinion on it.",
    "The bus to {capital} leaves twice a day and is usually full.",
    "Older residents remember when the town had a cinema, a dairy and two schools.",
    "The mayor's office is open, but most decisions are made far away.",
    "In the evenings, the main square fills with families and the talk is of the future.",
    "Some of the younger residents have started small businesses with money saved abroad.",
    "Prices in the shops have risen faster than wages, residents say.",
    "The local clinic has one doctor, who also covers three nearby villages.",
    "Winter is the hardest season here, when roads close and heating costs climb.",
    "A new road has cut the journey to the coast, and with it the sense of isolation.",
    "Volunteers run a small library in the former post office.",
)

REVIEW_FORMATS = ("book", "documentary", "report", "exhibition", "study")
WORK_ADJECTIVES = ("Quiet", "Long", "Salt", "Northern", "Last", "Open", "Narrow", "Distant")
WORK_NOUNS = ("River", "Pass", "Harbour", "Border", "Winter", "Season", "Road", "Ledger", "Shore")
REVIEW_SENTENCES = (
    "The strongest chapters deal with {subject}.",
    "At times the {format} relies too heavily on official sources.",
    "Readers looking for easy answers will be disappointed, and rightly so.",
    "It is at its best when it lets people in {city} speak for themselves.",
    "It is a useful corrective to the noise that surrounds {subject}.",
    "Some of the figures are already out of date, but the argument holds.",
    "The author spent two years travelling between {capital} and {city}.",
    "The {format} will be of most use to readers who already follow {subject}.",
    "The structure is clear: a history, a present-day survey and a set of proposals.",
    "The proposals are modest, which is both their strength and their weakness.",
    "Interviews with officials in {capital} are the most revealing passages.",
    "The comparison with {other} is handled with care and without condescension.",
    "The prose is plain, sometimes to a fault, but never misleading.",
    "Maps and charts make the regional picture easy to follow.",
    "A chapter on {subject2} feels added late and could have been left out.",
    "It leaves the reader better informed and a little less certain, which is no small thing.",
)

PHOTO_CAPTIONS = (
    "A street in {city}.",
    "Residents of {city} wait outside the town hall.",
    "The road from {city} to {capital}.",
    "An evening in the centre of {capital}.",
    "A market in {city}.",
    "Near {city}, where the debate over {subject} is felt most.",
    "A bus stop on the road out of {city}.",
    "The main square of {city} in the late afternoon.",
    "Workers on the edge of {city}.",
    "A courtyard in the old quarter of {capital}.",
)
VIDEO_TITLES = (
    "{city}: residents on {subject}",
    "On the ground in {city}",
    "{subject}: a video report from {country}",
)
